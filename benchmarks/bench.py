"""Benchmark: start-up, extraction throughput, the analyses at scale, the report.

    python benchmarks/bench.py                       # the default run (a few minutes)
    python benchmarks/bench.py --sizes 1,100,1000,10000 --jobs 2
    python benchmarks/bench.py --quick               # a smoke run (well under a minute)
    python benchmarks/bench.py --sizes '' --scale 100000,5000   # no extraction sizes

It also times `taskgraph report` on the seeds, cold (fresh font caches of its
own) and warm, and, with ``--report-scale``, on one generated plan of 20,000
tasks and about 5,000 units (the corpus made directly, as for ``--scale``):
its time, and the peak memory of the process and of its figure workers.

Extraction runs on a synthetic corpus made by recombining the seeds' real
sections and annotations (written under a temporary folder): each plan takes
a seed's header with the issuing place renamed, then top-level sections
drawn from all four seeds, renumbered, with their annotations swapped for
annotations of other tasks. Every size is timed in a child process of its
own, so its peak memory (``ru_maxrss``) is its own; what is timed is what
``taskgraph extract`` does, its six files written (as the plans come). The *floor* is what no
extractor can beat in Python: reading the same files, decoding them and
scanning them for annotation markers with one regular expression, timed in
the same run; ``× floor`` is extraction time over floor time.

The analyses (graph, load, clusters, overlap) run on the corpus extracted
at the largest size, and, with ``--scale``, on a corpus generated directly
(tasks recombined from the seeds' task sentences, units from the gazetteer's
functions), where the candidate step of the cross-place task matching is
also checked against an exact brute-force computation on a sample of tasks.

Speed is proven here, never by timed tests.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT))

# what the floor scans for: the words that mark an annotation (simplified and traditional)
MARKERS = re.compile(r"牵头|配合|责任单位|责任部门|协办|负责|牽頭|責任單位|責任部門|協辦|負責")


# ------------------------------------------------------------------ synthetic plans

_OPEN, _CLOSE = "(（〔【[", ")）〕】]"
_TOP = re.compile(r"^(\s*)([一二三四五六七八九十]+)、")
_ANNEX = re.compile(r"^\s*附件")
_NUMERALS = "一二三四五六七八九十"
# the issuing places of the seeds, renamed in every synthetic plan
_SEED_PLACES = ("锦州", "许昌", "廊坊", "宁波", "镇海")
_PLACE_FIRST = "东西南北安永长新昌华兴平泰丰清和江河云龙"
_PLACE_SECOND = "阳州宁山川海原林城江"


def _numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")


def _bracket_groups(line: str) -> list[tuple[int, int]]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(line):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
    return out


class SeedParts:
    """The seeds cut into headers, top-level sections and annotations."""

    def __init__(self, folder: Path = SEEDS):
        self.headers: list[list[str]] = []
        self.sections: list[list[str]] = []
        self.annotations: list[str] = []
        for path in sorted(folder.glob("*.txt")):
            lines = path.read_text(encoding="utf-8").splitlines()
            starts = [i for i, line in enumerate(lines) if _TOP.match(line)]
            self.headers.append(lines[:starts[0]])
            for a, b in zip(starts, starts[1:] + [len(lines)]):
                section = [line for line in lines[a:b] if not _ANNEX.match(line)]
                self.sections.append(section)
            for line in lines:
                for s, e in _bracket_groups(line):
                    if e - s < 200 and MARKERS.search(line[s:e]):
                        self.annotations.append(line[s:e])

    def plan(self, rng: random.Random, place: str, district: str) -> str:
        """One synthetic plan: a seed's header, 3 to 8 sections of any seed,
        annotations swapped half of the time, the places renamed."""
        k = rng.randrange(len(self.headers))
        out = list(self.headers[k])
        for n, section in enumerate(rng.sample(self.sections, rng.randint(3, 8)), start=1):
            for i, line in enumerate(section):
                if i == 0:
                    line = _TOP.sub(lambda m: f"{m.group(1)}{_numeral(n)}、", line, count=1)
                groups = [g for g in _bracket_groups(line) if MARKERS.search(line[g[0]:g[1]])]
                for s, e in reversed(groups):
                    if rng.random() < 0.5:
                        line = line[:s] + rng.choice(self.annotations) + line[e:]
                out.append(line)
        text = "\n".join(out) + "\n"
        for old in _SEED_PLACES[:-1]:
            text = text.replace(old, place)
        return text.replace(_SEED_PLACES[-1], district)


def place_names(n: int, rng: random.Random) -> list[str]:
    names = [a + b for a in _PLACE_FIRST for b in _PLACE_SECOND]
    rng.shuffle(names)
    return [names[i % len(names)] + ("" if i < len(names) else str(i // len(names))) for i in range(n)]


def make_corpus(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """Write ``n`` synthetic plans (UTF-8 text) into ``folder``; about one
    place for every five plans."""
    rng = random.Random(seed)
    parts = SeedParts()
    places = place_names(max(1, n // 5), rng)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        place = places[i % len(places)]
        path = folder / f"plan{i:06d}.txt"
        path.write_text(parts.plan(rng, place, place[::-1]), encoding="utf-8")
        files.append(path)
    return files


# ------------------------------------------------------------------ a corpus at scale

MUTATE = float(os.environ.get("BENCH_MUTATE", "0.3"))
_SENTENCE_END = re.compile(r"(?<=[。;;!?])")
_CLAUSE_END = re.compile(r"(?<=[,,、])")


def scale_corpus(n_tasks: int, n_units: int, seed: int = 0, per_place: int = 100, per_plan: int = 100):
    """A :class:`~taskgraph.corpus.Corpus` of ``n_tasks`` tasks and
    ``n_units`` units, made directly (no files): ``n_units / per_place``
    places with ``per_place`` units each, named after the gazetteer's
    functions; plans of ``per_plan`` tasks. A task's text is two to four
    sentences of recombined clauses of the seeds' tasks, each clause naming
    a *term* half of the time: the seeds hold a few thousand distinct
    clauses, while a province's plans name many things of their own
    (projects, industries, parks), so terms are made up of two to four of the
    seeds' characters and drawn from 20,000 with a Zipf law (a long tail, as
    real vocabularies have). One task in three copies a *theme* task (one
    for every 20 tasks) with a sentence changed, so that places share
    near-identical tasks, as plans copying one provincial template do. Each
    task has one lead and zero to five supporting units of its place, drawn
    with a skew (some units carry much of the work)."""
    import taskgraph
    from taskgraph.corpus import Corpus
    from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit
    from taskgraph.normalise import default_gazetteer

    rng = random.Random(seed)
    seeds = taskgraph.load([str(SEEDS)])
    clauses, titles = [], []
    for plan in seeds.plans:
        for t in plan.tasks:
            titles.append(t.title)
            for sentence in _SENTENCE_END.split(t.text.replace("\n", "")):
                clauses += [c for c in _CLAUSE_END.split(sentence) if len(c) >= 4]

    chars = sorted({ch for c in clauses for ch in c if "\u4e00" <= ch <= "\u9fff"})
    terms = ["".join(rng.choices(chars, k=rng.randint(2, 4))) for _ in range(20_000)]
    zipf = list(itertools.accumulate(1 / (r + 1) for r in range(len(terms))))

    def term() -> str:
        return rng.choices(terms, cum_weights=zipf)[0]

    def clause() -> str:
        c = "".join(rng.choice(chars) if rng.random() < MUTATE else ch for ch in rng.choice(clauses))
        return c if rng.random() < 0.5 else c[:len(c) // 2] + term() + c[len(c) // 2:]

    def sentence() -> str:
        return "".join(clause() for _ in range(rng.randint(2, 4))).rstrip(",,、") + "。"

    def make_title() -> str:
        t = "".join(rng.choice(chars) if rng.random() < MUTATE else ch for ch in rng.choice(titles))
        return term() + t if rng.random() < 0.7 else t

    themes = [(make_title(), [sentence() for _ in range(rng.randint(2, 4))])
              for _ in range(max(1, n_tasks // 20))]
    functions = [f for f in default_gazetteer().functions.values() if f.name and not f.collective]
    n_places = max(1, n_units // per_place)
    places = [f"{name}市" for name in place_names(n_places, rng)]
    weights = [1 / (k + 1) for k in range(per_place)]  # Zipf: the first units carry most of the work
    corpus = Corpus()
    made = 0
    plan_no = 0
    while made < n_tasks:
        place = places[plan_no % n_places]
        doc = f"plan{plan_no:06d}.txt"
        plan = Plan(DocumentInfo(doc=doc, title=f"{place}科技创新行动计划", place=place, city=place, level="市"))
        units = []
        for k in range(per_place):
            f = functions[k % len(functions)]
            name = "市" + f.name + ("" if k < len(functions) else f"第{k // len(functions) + 1}处")
            units.append((name, Unit(f"{place}:{name}", place, name, f.key, "市", True, False, (name,))))
        for n in range(1, min(per_plan, n_tasks - made) + 1):
            if rng.random() < 1 / 3:
                title, body = rng.choice(themes)
                body = list(body)
                body[rng.randrange(len(body))] = sentence()
            else:
                title, body = make_title(), [sentence() for _ in range(rng.randint(2, 4))]
            tid = f"三/{n}"
            plan.tasks.append(Task(doc, tid, tid, str(n), title, title + "\n" + "".join(body), n))
            chosen = rng.choices(range(per_place), weights, k=1 + min(5, int(rng.expovariate(0.6))))
            for order, k in enumerate(dict.fromkeys(chosen)):
                name, unit = units[k]
                plan.assignments.append(Assignment(doc, tid, name, "lead" if order == 0 else "support", n, order))
                corpus.units[(doc, name)] = unit
        corpus.plans.append(plan)
        made += len(plan.tasks)
        plan_no += 1
    return corpus


def matching_recall(G, sample: int, seed: int = 0, **options) -> dict:
    """Recall of the cross-place matching against brute force: for
    ``sample`` tasks drawn at random, their exact top-k matches (every
    other task compared, full vectors) and the share of them the matching
    found. Also the similarity distribution the sample shows (calibration:
    the seeds have 0.4% of cross-place pairs at 0.15 or more, and a median
    best match of 0.11)."""
    import numpy as np
    import pandas as pd

    from taskgraph.analyse.overlap import THRESHOLD, TOP_K, match_pairs, task_vectors
    from taskgraph.graph import graph_frames

    tasks = graph_frames(G)[0]
    X = task_vectors(list(tasks["title"].fillna("")), list(tasks["text"].fillna("")))
    group = pd.factorize(tasks["place"], sort=True)[0]
    t = time.perf_counter()
    i, j, s, exhaustive = match_pairs(X, group, **options)
    seconds = time.perf_counter() - t
    found = set(zip(i.tolist(), j.tolist()))
    rows = np.sort(np.random.default_rng(seed).choice(X.shape[0], min(sample, X.shape[0]), replace=False))
    S = (X[rows] @ X.T).toarray()
    S[group[rows][:, None] == group[None, :]] = 0.0
    truth = hits = 0
    strong = strong_hits = 0
    best = []
    for r, a in enumerate(rows):
        ok = np.flatnonzero(S[r] >= THRESHOLD - 1e-12)
        top = ok[np.lexsort((ok, -S[r][ok]))][:TOP_K]
        best.append(S[r].max() if S.shape[1] else 0.0)
        for b in top:
            hit = (min(a, b), max(a, b)) in found
            truth, hits = truth + 1, hits + hit
            if S[r, b] >= 0.3:
                strong, strong_hits = strong + 1, strong_hits + hit
    cross = (group[rows][:, None] != group[None, :]).sum()
    return {"exhaustive": exhaustive, "match_seconds": seconds, "pairs": len(i), "sample": len(rows),
            "truth": truth, "recall": hits / truth if truth else 1.0,
            "recall_strong": strong_hits / strong if strong else 1.0, "strong": strong,
            "share_above": float((S >= THRESHOLD).sum() / max(cross, 1)), "median_best": float(np.median(best))}


def analyses_run(corpus, recall_sample: int = 0, repeats: int = 2) -> dict:
    """Time the graph and the three analyses (as ``taskgraph load``,
    ``clusters`` and ``overlap`` run them), each the best of ``repeats``
    runs (shared machines are noisy)."""
    from taskgraph.analyse._memory import reuse_memory
    from taskgraph.analyse.clusters import cluster_tables
    from taskgraph.analyse.load import load_tables
    from taskgraph.analyse.overlap import overlap_tables
    from taskgraph.graph import build_graph

    out = {}
    t = time.perf_counter()
    G = build_graph(corpus)
    out["graph"] = time.perf_counter() - t
    out["tasks"] = sum(1 for _, d in G.nodes(data="bipartite") if d == 0)
    out["units"] = G.number_of_nodes() - out["tasks"]
    out["edges"] = G.number_of_edges()
    analyses = (("load", load_tables), ("clusters", cluster_tables), ("overlap", overlap_tables))
    for rep in range(repeats):  # the peak memory is that of the first pass, one run of each
        for name, run in analyses:
            t = time.perf_counter()
            if name == "overlap":  # as `taskgraph overlap` runs it
                with reuse_memory():
                    tables = run(G)
            else:
                tables = run(G)
            seconds = time.perf_counter() - t
            out[name] = min(out.get(name, seconds), seconds)
            out[f"{name}_rows"] = {k: len(v) for k, v in tables.items()}
            if rep == 0:
                out[f"{name}_peak_mb"] = _peak_mb()
            tables = None
    if recall_sample:
        out["recall"] = matching_recall(G, recall_sample)
    return out


# ------------------------------------------------------------------ measurements (child side)

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def floor_scan(files: list[str]) -> dict:
    """Read, decode and scan every file with one regular expression."""
    t = time.perf_counter()
    found = 0
    for f in files:
        with open(f, "rb") as fh:
            found += len(MARKERS.findall(fh.read().decode("utf-8")))
    return {"seconds": time.perf_counter() - t, "markers": found}


def extract_run(files: list[str], jobs: int) -> dict:
    """``taskgraph extract`` as the command runs it: the plans read and
    extracted, and its six files written (into a temporary folder) as the
    plans come, so the peak memory is the command's."""
    t = time.perf_counter()
    from taskgraph.corpus import prepare, results
    from taskgraph.export import stream_extract

    with tempfile.TemporaryDirectory() as tmp:
        run = prepare(files)
        stream, _, _ = stream_extract(Path(tmp) / "out", results(run, jobs), corrections=run.corrections)
        seconds = time.perf_counter() - t
    s = stream.summary()
    return {"seconds": seconds, "tasks": s["tasks"], "edges": s["edges"], "units": s["units"]}


def _child(spec: dict) -> dict:
    kind = spec["kind"]
    if kind == "floor":
        out = floor_scan(spec["files"])
    elif kind == "extract":
        out = extract_run(spec["files"], spec["jobs"])
    elif kind == "analyses":
        import taskgraph

        out = analyses_run(taskgraph.load(spec["files"], jobs=None))
    elif kind == "report-scale":
        out = report_scale(spec["tasks"], spec["units"])
    elif kind == "scale":
        t = time.perf_counter()
        corpus = scale_corpus(spec["tasks"], spec["units"])
        generated = time.perf_counter() - t
        out = analyses_run(corpus, spec.get("recall_sample", 0))
        out["generate"] = generated
    else:
        raise SystemExit(f"unknown child {kind}")
    out["peak_mb"] = _peak_mb()
    return out


def in_child(spec: dict) -> dict:
    """Run one measurement in a fresh interpreter; its result as a dict."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(spec, fh)
    try:
        run = subprocess.run([sys.executable, __file__, "--child", fh.name], capture_output=True, text=True)
    finally:
        os.unlink(fh.name)
    if run.returncode:
        raise SystemExit(f"child {spec['kind']} failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ the run

def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return f"{os.cpu_count()} CPUs ({cpu or 'unknown CPU'}), Python {platform.python_version()}, {platform.system()}"


def speed_check() -> float:
    """Seconds for a fixed pure-Python loop: shared machines slow down and
    speed up; printed at the start and the end, so a table can be judged."""
    t = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - t


def startup(runs: int = 7) -> dict:
    """Best of ``runs`` subprocess runs: ``taskgraph --help`` against
    ``python -c "import typer, rich"`` (what any typer CLI with rich pays)."""
    def best(cmd: list[str]) -> float:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        return min(times)

    script = Path(sys.executable).with_name("taskgraph")  # the console script, as users run it
    base = best([sys.executable, "-c", "import typer, rich"])
    cli = best([str(script), "--help"] if script.exists() else [sys.executable, "-m", "taskgraph", "--help"])
    return {"help": cli, "typer_rich": base, "ratio": cli / base}


def report_timing(runs: int = 3) -> dict:
    """``taskgraph report`` on the bundled seeds, as users run it, beside
    ``taskgraph extract`` on the same input: first cold (matplotlib's font
    list and the cut of the Chinese font not yet made, in folders of this
    run's own, so the user's caches are left alone), then ``runs`` times
    warm, each warm report paired with an extract run (the ratio is taken
    pair by pair: a shared machine's speed drifts). The same on one plan.
    Wall seconds of each subprocess."""
    script = Path(sys.executable).with_name("taskgraph")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "taskgraph"]
    one_plan = str(sorted(SEEDS.iterdir())[0])
    with tempfile.TemporaryDirectory(prefix="taskgraph-bench-report-") as tmp:
        env = dict(os.environ, MPLCONFIGDIR=str(Path(tmp) / "mpl"), XDG_CACHE_HOME=str(Path(tmp) / "cache"),
                   TMPDIR=str(Path(tmp) / "tmp"))
        (Path(tmp) / "tmp").mkdir()
        runs_made = iter(range(10_000))

        def timed(*args: str) -> float:
            t = time.perf_counter()
            subprocess.run([*cmd, *args, "-o", str(Path(tmp) / f"out{next(runs_made)}")], cwd=ROOT, env=env,
                           capture_output=True, check=True)
            return time.perf_counter() - t

        cold = timed("report")
        pairs = [(timed("report"), timed("extract")) for _ in range(runs)]
        one = [(timed("report", one_plan), timed("extract", one_plan)) for _ in range(max(1, runs - 1))]
    warm = [r for r, _ in pairs]
    return {"cold": cold, "warm": min(warm), "warm_max": max(warm), "warm_median": statistics.median(warm),
            "extract": statistics.median(e for _, e in pairs),
            "ratio": statistics.median(r / e for r, e in pairs),
            "one_report": statistics.median(r for r, _ in one), "one_extract": statistics.median(e for _, e in one),
            "one_ratio": statistics.median(r / e for r, e in one)}


def goal_lines(up: dict | None, extraction: list[dict], rep: dict | None) -> list[str]:
    """Each ratio issue 16 sets a goal for, beside its goal."""
    lines = ["goals (issue 16; ratios of runs side by side, so the machine's speed cancels):"]

    def line(what: str, value: float, goal: float) -> None:
        lines.append(f"  {what:<52} {value:>6.1f}×  goal ≤ {goal:g}×  {'met' if value <= goal else 'missed'}")

    if rep:
        line("taskgraph report on one plan / extract on it", rep["one_ratio"], 5)
        line(f"taskgraph report on the seeds / extract on them, warm", rep["ratio"], 8)
        line("taskgraph report on the seeds, cold / warm", rep["cold"] / rep["warm_median"], 2)
    big = [r for r in extraction if r["plans"] == 1000 and r["jobs"] == 1]
    if big:
        line("extraction of 1,000 plans, one process / the floor", big[0]["seconds"] / big[0]["floor"], 25)
    if up:
        line("taskgraph --help / python -c 'import typer, rich'", up["ratio"], 2)
    return lines


def report_scale(n_tasks: int, n_units: int) -> dict:
    """``write_report`` (what ``taskgraph report`` runs after extraction) on
    one plan of ``n_tasks`` tasks naming up to ``n_units`` units, in a
    temporary folder; seconds, the sizes of its largest files, and the peak
    memory of the figure workers (the process's own is added by the caller)."""
    from taskgraph.render.report import write_report

    t = time.perf_counter()
    corpus = scale_corpus(n_tasks, n_units, per_place=n_units, per_plan=n_tasks)
    generated = time.perf_counter() - t
    with tempfile.TemporaryDirectory(prefix="taskgraph-bench-large-") as tmp:
        t = time.perf_counter()
        written = write_report(corpus, tmp)
        seconds = time.perf_counter() - t
        sizes = {p.relative_to(tmp).as_posix(): p.stat().st_size for p in written}
        pngs = [p for p in written if p.suffix == ".png"]
        from PIL import Image

        pixels = max((Image.open(p).size for p in pngs), key=lambda wh: wh[0] * wh[1])
    s = corpus.summary()
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    return {"seconds": seconds, "generate": generated, "tasks": s["tasks"], "units": s["units"],
            "edges": s["edges"], "files": len(written), "mb": sum(sizes.values()) / 1e6,
            "largest": [(name, size / 1e6) for name, size in largest], "png": pixels, "workers_mb": workers_mb}


def extraction_table(sizes: list[int], jobs: list[int], tmp: Path) -> tuple[list[dict], list[str]]:
    """Extraction rows; the files of the largest corpus of 1,000 plans or fewer are kept for the analyses."""
    rows, kept = [], []
    for n in sizes:
        folder = tmp / f"corpus-{n}"
        files = [str(p) for p in make_corpus(folder, n)]
        mb = sum(os.path.getsize(f) for f in files) / 1e6
        floor = min(in_child({"kind": "floor", "files": files})["seconds"] for _ in range(3))
        for j in jobs:
            if j > 1 and n < 2 * PLANS_PER_JOB:
                continue  # one process whatever -j says (see taskgraph.corpus.worker_count)
            # best of two up to 1,000 plans (shared machines are noisy)
            r = min((in_child({"kind": "extract", "files": files, "jobs": j}) for _ in range(2 if n <= 1000 else 1)),
                    key=lambda x: x["seconds"])
            rows.append({"plans": n, "jobs": j, "mb": mb, "seconds": r["seconds"], "floor": floor,
                         "peak_mb": r["peak_mb"], "tasks": r["tasks"], "edges": r["edges"]})
            print(_row(rows[-1]), flush=True)
        if n <= 1000:
            kept = files
    return rows, kept


PLANS_PER_JOB = 50
HEADER = (f"{'plans':>7} {'jobs':>4} {'MB':>7} {'seconds':>8} {'plans/s':>8} {'MB/s':>6} {'× floor':>8} "
          f"{'peak MB':>8} {'tasks':>8}")


def _row(r: dict) -> str:
    return (f"{r['plans']:>7} {r['jobs']:>4} {r['mb']:>7.1f} {r['seconds']:>8.2f} {r['plans'] / r['seconds']:>8.1f} "
            f"{r['mb'] / r['seconds']:>6.2f} {r['seconds'] / r['floor']:>8.1f} {r['peak_mb']:>8.0f} "
            f"{r['tasks']:>8}")


def analyses_lines(r: dict, what: str) -> list[str]:
    total = r["load"] + r["clusters"] + r["overlap"]
    lines = [f"{what}: {r['tasks']:,} tasks, {r['units']:,} units, {r['edges']:,} edges",
             f"  graph {r['graph']:.1f} s | load {r['load']:.1f} s | clusters {r['clusters']:.1f} s | "
             f"overlap {r['overlap']:.1f} s | the three {total:.1f} s | peak {r['overlap_peak_mb']:,.0f} MB "
             f"(the process, corpus and graph included)"]
    rec = r.get("recall")
    if rec:
        how = "every pair compared" if rec["exhaustive"] else "candidates re-scored exactly"
        lines.append(f"  matching ({how}, {rec['match_seconds']:.1f} s): {rec['recall']:.1%} of the brute-force "
                     f"top-5 matches of "
                     f"{rec['sample']} tasks found ({rec['truth']} matches), {rec['recall_strong']:.1%} of those "
                     f"at 0.3 or more ({rec['strong']}); cross-place pairs at 0.15 or more "
                     f"{rec['share_above']:.2%}, median best match {rec['median_best']:.2f} "
                     f"(seeds: 0.36%, 0.11)")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,100,1000,10000", help="plans per corpus, comma-separated "
                    "(default 1,100,1000,10000)")
    ap.add_argument("--jobs", type=int, default=0, help="also extract with this many processes (default: one per CPU)")
    ap.add_argument("--scale", default="100000,5000", help="TASKS,UNITS of the generated corpus for the analyses "
                    "at scale (default 100000,5000; 0 skips them)")
    ap.add_argument("--report-scale", default="20000,5000", help="TASKS,UNITS of the one generated plan the "
                    "report is timed on (default 20000,5000; 0 skips it)")
    ap.add_argument("--recall-sample", type=int, default=400, help="tasks whose matches are checked by brute force")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 1 and 100 plans, 10,000 tasks at scale")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(json.loads(Path(args.child).read_text()))))
        return 0
    sizes = [1, 100] if args.quick else [int(x) for x in args.sizes.split(",") if x]
    scale = [10_000, 500] if args.quick else [int(x) for x in args.scale.split(",") if x]
    jobs = sorted({1, args.jobs or os.cpu_count() or 1})
    print(f"machine: {machine()}")
    print(f"speed check (a 10-million-step Python loop, lower is faster): {speed_check():.2f} s")
    up = startup()
    print(f"start-up: taskgraph --help {up['help']:.3f} s, python -c 'import typer, rich' {up['typer_rich']:.3f} s: "
          f"{up['ratio']:.2f}× (best of 7)")
    with tempfile.TemporaryDirectory(prefix="taskgraph-bench-") as tmp:
        print("extraction of synthetic plans (× floor: over reading the same files and scanning them for "
              "annotation markers with one regex)")
        print(HEADER)
        extraction, files = extraction_table(sizes, jobs, Path(tmp))
        if files and len(files) > 1:
            r = in_child({"kind": "analyses", "files": files})
            print("\n".join(analyses_lines(r, f"analyses of the {len(files):,} extracted plans")))
    rep = report_timing(1 if args.quick else 3)
    print(f"report: taskgraph report on the {len(list(SEEDS.iterdir()))} seeds, {rep['cold']:.1f} s cold (no font "
          f"list, no font cut cached), then {rep['warm']:.1f}–{rep['warm_max']:.1f} s; extract on them "
          f"{rep['extract']:.2f} s; on one plan: report {rep['one_report']:.1f} s, extract {rep['one_extract']:.2f} s")
    large = [2_000, 500] if args.quick else [int(x) for x in args.report_scale.split(",") if x]
    if large and large[0]:
        r = in_child({"kind": "report-scale", "tasks": large[0], "units": large[1] if len(large) > 1 else 5000})
        print(f"report at scale (one generated plan): {r['tasks']:,} tasks, {r['units']:,} units, {r['edges']:,} "
              f"edges: {r['seconds']:.1f} s, peak {r['peak_mb']:,.0f} MB (figure workers {r['workers_mb']:,.0f} MB "
              f"each at most); {r['files']} files, {r['mb']:.1f} MB, largest "
              + ", ".join(f"{name} {mb:.1f} MB" for name, mb in r["largest"])
              + f"; largest PNG {r['png'][0]} × {r['png'][1]} px")
    if scale and scale[0]:
        r = in_child({"kind": "scale", "tasks": scale[0], "units": scale[1] if len(scale) > 1 else scale[0] // 20,
                      "recall_sample": args.recall_sample})
        print("\n".join(analyses_lines(r, "analyses at scale (generated corpus)")))
    print("\n".join(goal_lines(up, extraction, rep)))
    print(f"speed check at the end: {speed_check():.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
