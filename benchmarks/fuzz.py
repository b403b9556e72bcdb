"""Fuzz the pipeline with mutated seeds: read → extract → normalise.

Each input is a seed plan put through one to three random mutations:
truncation, byte flips, inserted brackets and separators, dropped or
repeated lines, NUL bytes, a splice of two seeds, traditional characters,
full/half-width punctuation, formula prefixes (=, ＝, +, -, @, =HYPERLINK…)
before names and texts, 75+-character titles and unit names, the whole plan
on one line, an encoding swap (GB18030, GBK, UTF-16 with or without BOM,
Big5), a random HTML page around it (navigation, scripts, tables,
paragraphs nested up to 300 divs deep, a declared charset that may lie), or
a random .docx around it (python-docx, or a hand-made zip that may be
damaged); control characters XML cannot hold (C0, U+FFFE/U+FFFF, also as
``&#1;`` in HTML), zero-width and bidirectional marks and Cyrillic
lookalikes inside unit names. Every fourth input is also written as
GraphML and GEXF in memory, every twentieth also as a 分工表 (.xlsx, .docx…),
so text no writer can take is caught too (the writers cost more than the
reading).

Every tenth input is also run through a command (``extract``, ``graph``,
``load``; ``report`` where it is refused before any work) into a hostile output folder: a file
where it should be, a subfolder linked outside it, an input named like an
output, a folder on a full 8 KB filesystem (when the run is root and can
mount a tmpfs). Each must give exit 0, 1 or 2, error lines of one line each
and no traceback, and leave the inputs and everything outside the folder as
they were.

A file the reader refuses (``ReadError``: one clear line for the user) is a
good outcome. Any other exception, in any stage, is a bug: the input and
its traceback are saved for reproduction. Inputs that take long are
reported too.

    python benchmarks/fuzz.py --seconds 50 --seed 1
    python benchmarks/fuzz.py --replay /tmp/taskgraph-fuzz-xxxx/0001.docx
"""
from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taskgraph.corpus import extract_documents  # noqa: E402
from taskgraph.errors import ReadError  # noqa: E402
from taskgraph.normalise import Gazetteer  # noqa: E402
from taskgraph.read import read_document  # noqa: E402

from bench import machine  # noqa: E402  (benchmarks/ is on the path: one description of the machine)

BRACKETS = "（）()〔〕【】[]<>《》{}"
SEPARATORS = "、，,；;：: \t|\n"
NOISE = ["责任单位：", "牵头单位:", "配合单位：", "牵头", "配合", "负责", "、、", "（", "）", "〕", "【",
         "1.", "(一)", "一、", "附件1", "\u3000", "\ufeff", "\u200b", "锟斤拷", "\ufffd", "??", "等",
         "列第一位的为牵头单位", "完成时限：2022年底", "分管领导：张某", "各县(市、区)政府"]


# ------------------------------------------------------------------ mutations


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def insert_noise(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    for _ in range(rng.randint(1, 60)):
        i = rng.randrange(len(text) + 1)
        piece = rng.choice([rng.choice(BRACKETS), rng.choice(SEPARATORS), rng.choice(NOISE)])
        text = text[:i] + piece + text[i:]
    return text.encode("utf-8")


def shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 20)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.4:
            del lines[i]
        elif op < 0.8:
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def nul_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        out.insert(rng.randrange(len(out) + 1), 0)
    return bytes(out)


def traditional(rng: random.Random, data: bytes) -> bytes:
    import opencc

    text = data.decode("utf-8", errors="replace")
    return opencc.OpenCC("s2t").convert(text).encode("utf-8")


def widths(rng: random.Random, data: bytes) -> bytes:
    pairs = [("（", "("), ("）", ")"), ("：", ":"), ("，", ","), ("；", ";"), ("、", ","), ("。", ".")]
    text = data.decode("utf-8", errors="replace")
    for full, half in rng.sample(pairs, rng.randint(1, len(pairs))):
        text = text.replace(full, half) if rng.random() < 0.5 else text.replace(half, full)
    return text.encode("utf-8")


def long_line(rng: random.Random, data: bytes) -> bytes:
    piece = rng.choice(NOISE + list(BRACKETS)).encode("utf-8")
    return data + b"\n" + piece * rng.randint(100, 5000)


def formulas(rng: random.Random, data: bytes) -> bytes:
    """Formula prefixes before unit names and task texts (=HYPERLINK…, ＝, +, -, @)."""
    text = data.decode("utf-8", errors="replace")
    prefix = rng.choice(["=", "＝", "+", "-", "@", '=HYPERLINK("http://x.example/","点击")', "\t="])
    marks = ["责任单位：", "牵头单位：", "（", "1.", "、"]
    for mark in rng.sample(marks, rng.randint(1, len(marks))):
        text = text.replace(mark, mark + prefix, rng.randint(1, 20))
    return text.encode("utf-8")


def long_names(rng: random.Random, data: bytes) -> bytes:
    """A legal-length plan title and unit names of 75+ characters."""
    text = data.decode("utf-8", errors="replace")
    long = "某某" * rng.randint(40, 120)
    return (long + "行动方案\n" + text.replace("市科技局", long + "局", rng.randint(1, 5))).encode("utf-8")


CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]
HIDDEN = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202a", "\u202b", "\u202d", "\u202e",
          "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
UNITS = ["市科技局", "市财政局", "区经信局", "市发展改革委", "市人力资源社会保障局", "区科技局", "市教育局"]


def control_chars(rng: random.Random, data: bytes) -> bytes:
    """C0 controls, U+FFFE and U+FFFF anywhere, and inside unit names."""
    text = data.decode("utf-8", errors="replace")
    for _ in range(rng.randint(1, 30)):
        i = rng.randrange(len(text) + 1)
        text = text[:i] + rng.choice(CONTROLS) + text[i:]
    for unit in rng.sample(UNITS, 3):
        text = text.replace(unit, unit[:2] + rng.choice(CONTROLS) + unit[2:], rng.randint(1, 3))
    return text.encode("utf-8", errors="surrogatepass")


def hidden_marks(rng: random.Random, data: bytes) -> bytes:
    """Zero-width characters and bidirectional marks inside unit names."""
    text = data.decode("utf-8", errors="replace")
    for unit in rng.sample(UNITS, 4):
        k = rng.randrange(1, len(unit))
        text = text.replace(unit, unit[:k] + rng.choice(HIDDEN) + unit[k:], rng.randint(1, 3))
    return text.encode("utf-8")


def lookalikes(rng: random.Random, data: bytes) -> bytes:
    """Unit names with Cyrillic letters, Kangxi radicals and compatibility ideographs."""
    text = data.decode("utf-8", errors="replace")
    swaps = [("局", "局\u0435"), ("市", "\u0441市"), ("工", "\u2f2f"), ("科技", "科\u2f40"), ("财政", "财\uf9c3政")]
    for old, new in rng.sample(swaps, 2):
        text = text.replace(old, new, rng.randint(1, 5))
    return text.encode("utf-8")


def one_line(rng: random.Random, data: bytes) -> bytes:
    """A page with no line breaks (a crawled page), glued or with spaces."""
    text = data.decode("utf-8", errors="replace")
    return rng.choice(["", " "]).join(text.splitlines()).encode("utf-8")


MUTATIONS = [truncate, flip_bytes, insert_noise, shuffle_lines, nul_bytes, traditional, widths, long_line,
             formulas, long_names, one_line, control_chars, hidden_marks, lookalikes]


def encode(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """The text in another encoding (characters it lacks replaced)."""
    text = data.decode("utf-8", errors="replace")
    encoding = rng.choice(["gb18030", "gbk", "gb2312", "big5", "utf-16", "utf-16-le", "utf-16-be",
                           "utf-8-sig", "utf-32"])
    if encoding == "big5" and rng.random() < 0.7:
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
    return text.encode(encoding, errors="replace"), encoding


def wrap_html(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    charset = rng.choice(["utf-8", "gb2312", "gbk", "big5", "latin-1", "x-unknown", None])
    parts = ["<!DOCTYPE html>" if rng.random() < 0.7 else "", "<html><head>"]
    if charset:
        parts.append(f'<meta charset="{charset}">')
    parts.append(f"<title>{escape(lines[0] if lines else '')}_某市人民政府</title>")
    if rng.random() < 0.5:
        parts.append("<script>var nav = '网站首页 <p>不是正文</p>';</script><style>p{}</style>")
    parts.append("</head><body>")
    if rng.random() < 0.6:
        parts.append("<div class='nav'><a>网站首页</a> | <a>政务公开</a></div><nav><ul><li>本市动态</li></ul></nav>")
    container = rng.choice(["<div class='article-content'>", "<article>", "<td>", "<div>", ""])
    parts.append(container)
    nest = rng.choice([0, 0, 1, 3, 300])  # paragraphs nested in divs, up to deeper than lxml's usual limits
    in_table = False
    for line in lines:
        r = rng.random()
        if "|" in line or r < 0.05:
            if not in_table:
                parts.append("<table border=1>")
                in_table = True
            cells = line.split("|") if "|" in line else line.split("，")
            parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            parts.append("</table>")
            in_table = False
        if nest and r < 0.5:
            parts.append("<div>" * nest + f"<p>{escape(line)}</p>" + "</div>" * nest)
        elif r < 0.7:
            parts.append(f"<p>{escape(line)}</p>")
        elif r < 0.9:
            parts.append(f"{escape(line)}<br>")
        else:
            parts.append(f"<p><span>{escape(line[: len(line) // 2])}</span><b>{escape(line[len(line) // 2:])}</b>")
    if rng.random() < 0.3:
        parts.append("<p>亚洲AV在线 无码 一区二区</p>")
    if rng.random() < 0.8:
        parts.append("</div></body></html>")
    page = "\n".join(parts)
    codec = charset if charset in ("utf-8", "gb2312", "gbk", "big5") and rng.random() < 0.8 else "utf-8"
    return page.encode(codec, errors="replace")


def wrap_docx(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if rng.random() < 0.5:
        import docx

        document = docx.Document()
        table = None
        for line in lines:
            clean = "".join(c for c in line if c in "\t\n" or ord(c) >= 32 and c not in "\ufffe\uffff")
            if "|" in clean or rng.random() < 0.03:
                cells = clean.split("|") if "|" in clean else [clean]
                if table is None or len(table.columns) != len(cells):
                    table = document.add_table(rows=0, cols=len(cells))
                row = table.add_row().cells
                for cell, value in zip(row, cells):
                    cell.text = value
            else:
                table = None
                document.add_paragraph(clean)
        buffer = io.BytesIO()
        document.save(buffer)
        out = buffer.getvalue()
    else:
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        body = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in lines)
        if rng.random() < 0.2:
            body = body[: rng.randrange(len(body) + 1)]  # not well-formed
        xml = f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        if rng.random() < 0.1:
            xml = xml.replace('<?xml version="1.0"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>')
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])) as archive:
            archive.writestr("word/document.xml", xml.encode("utf-8", errors="replace"))
        out = buffer.getvalue()
    if rng.random() < 0.3:
        out = rng.choice([truncate, flip_bytes])(rng, out)  # a damaged archive
    return out


def make_input(rng: random.Random, seeds: list[bytes]) -> tuple[bytes, str, list[str]]:
    """One mutated input: its bytes, its file suffix and the steps taken."""
    data = rng.choice(seeds)
    steps = []
    if rng.random() < 0.1:  # a splice of two seeds
        other = rng.choice(seeds)
        data = data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]
        steps.append("splice")
    for mutation in rng.sample(MUTATIONS, rng.randint(0, 3)):
        if mutation in (truncate, flip_bytes) and rng.random() < 0.5:
            continue  # keep most inputs mostly whole, so extraction is exercised too
        data = mutation(rng, data)
        steps.append(mutation.__name__)
    wrapper = rng.random()
    suffix = ".txt"
    if wrapper < 0.25:
        data = wrap_html(rng, data)
        suffix = rng.choice([".html", ".htm", ".txt"])
        steps.append("html")
    elif wrapper < 0.4:
        data = wrap_docx(rng, data)
        suffix = ".docx"
        steps.append("docx")
    elif wrapper < 0.6:
        data, encoding = encode(rng, data)
        steps.append(encoding)
    if rng.random() < 0.1:
        data = flip_bytes(rng, data)
        steps.append("flip_bytes")
    return data, suffix, steps


# ------------------------------------------------------------------ running


def run_one(data: bytes, suffix: str, gazetteer: Gazetteer, writers: bool = True, division: bool = True) -> str:
    """read → extract → normalise → tables, then (with ``writers``) GraphML,
    GEXF and (with ``division``) the 分工表 (.xlsx, .docx…) in memory;
    ``refused`` or ``extracted``. Any exception but ReadError propagates."""
    try:
        doc = read_document(f"fuzz{suffix}", data)
    except ReadError as e:
        assert "\n" not in str(e), "a read error is one line"
        return "refused"
    corpus = extract_documents([doc], gazetteer)
    corpus.records()
    if corpus.plans and writers:
        write_in_memory(corpus, division)
    return "extracted"


def write_in_memory(corpus, division: bool = True) -> None:
    """Every XML writer on the corpus, in memory (nothing on disk)."""
    from taskgraph.graph import _gexf_bytes, _graphml_bytes, build_graph
    from taskgraph.render import tables

    G = build_graph(corpus)
    _graphml_bytes(G)
    _gexf_bytes(G)
    if not division:
        return
    saved = tables.atomic_write
    tables.atomic_write = lambda path, data: Path(path)  # the bytes are made, not written
    try:
        for plan in corpus.plans:
            tables.write_division(plan, Path("/nonexistent-fuzz"), "fuzz")
    finally:
        tables.atomic_write = saved


# ------------------------------------------------------------------ hostile output folders

OUTPUT_CASES = ("file", "linked-subfolder", "input-as-output", "full-disk")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def run_output_case(rng: random.Random, data: bytes, suffix: str, work: Path, tiny: Path | None) -> str:
    """One command on ``data`` into a hostile output folder; raises
    AssertionError when the command breaks a promise."""
    import contextlib
    import shutil

    from taskgraph.cli import main as cli

    case = rng.choice([c for c in OUTPUT_CASES if c != "full-disk" or tiny is not None])
    # report only where it is refused before any work (a whole report is slow)
    command = rng.choice(["extract", "graph", "load", "report"] if case in ("file", "linked-subfolder") else
                         ["extract", "graph", "load"])
    shutil.rmtree(work, ignore_errors=True)
    inputs, elsewhere, out = work / "in", work / "elsewhere", work / "out"
    for folder in (inputs, elsewhere):
        folder.mkdir(parents=True)
    (inputs / f"plan{suffix}").write_bytes(data)
    (elsewhere / "keep.txt").write_text("not taskgraph's", encoding="utf-8")
    args = [str(inputs / f"plan{suffix}")]
    if case == "file":
        out = work / "afile"
        out.write_text("mine", encoding="utf-8")
    elif case == "linked-subfolder":
        out.mkdir()
        for sub in ("tables", "figures"):
            (out / sub).symlink_to(elsewhere, target_is_directory=True)
    elif case == "input-as-output":
        out = inputs
        name = {"extract": "tasks.csv", "graph": "graph.json", "load": "load.csv", "report": "index.html"}[command]
        (inputs / name).write_text("the user's", encoding="utf-8")
        args.append(str(inputs / name))
    elif case == "full-disk":
        for p in tiny.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        out = tiny / "out"
    before_in, before_else = _snapshot(inputs), _snapshot(elsewhere)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli([command, *args, "-o", str(out), "-q", *(["-j", "1"] if command in ("extract", "report") else [])])
    text = err.getvalue()
    assert status in (0, 1, 2), f"exit status {status}"
    assert "Traceback" not in text, text
    assert _snapshot(inputs).items() >= before_in.items() if out == inputs else _snapshot(inputs) == before_in, \
        "an input changed"
    assert _snapshot(elsewhere) == before_else, "something outside the output folder changed"
    if case in ("file", "linked-subfolder") and command == "report" or case == "file":
        assert status in (1, 2) and text.count("error:") == 1, text
    return f"{case}/{command}/{status}"


def _mount_tiny() -> Path | None:
    import subprocess

    if os.geteuid() != 0:
        return None
    folder = Path(tempfile.mkdtemp(prefix="taskgraph-fuzz-tiny-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(folder)], capture_output=True).returncode:
        folder.rmdir()
        return None
    return folder


def _unmount(folder: Path | None) -> None:
    import subprocess

    if folder is not None:
        subprocess.run(["umount", str(folder)], capture_output=True)
        folder.rmdir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=50, help="time budget (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--seeds-dir", type=Path, default=ROOT / "seeds", help="plans to mutate")
    parser.add_argument("--out", type=Path, help="folder for failing inputs (default: a new temp folder)")
    parser.add_argument("--slow", type=float, default=5.0, help="report inputs taking longer (seconds)")
    parser.add_argument("--replay", type=Path, nargs="+", help="run these saved inputs and show tracebacks")
    parser.add_argument("--outputs-every", type=int, default=10, help="run every Nth input through a command into "
                        "a hostile output folder (0: never; default 10)")
    args = parser.parse_args(argv)

    gazetteer = Gazetteer.load()
    if args.replay:
        for path in args.replay:
            print(path, run_one(path.read_bytes(), path.suffix, gazetteer))
        return 0

    seeds = [p.read_bytes() for p in sorted(args.seeds_dir.iterdir()) if p.is_file()]
    rng = random.Random(args.seed)
    out = args.out or Path(tempfile.mkdtemp(prefix="taskgraph-fuzz-"))
    counts = {"refused": 0, "extracted": 0}
    failures: list[Path] = []
    slow: list[tuple[float, Path]] = []
    tried = 0
    output_runs: dict[str, int] = {}
    tiny = _mount_tiny() if args.outputs_every else None
    work = Path(tempfile.mkdtemp(prefix="taskgraph-fuzz-out-"))
    started = time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        data, suffix, steps = make_input(rng, seeds)
        tried += 1
        t0 = time.perf_counter()
        try:
            counts[run_one(data, suffix, gazetteer, writers=tried % 4 == 0, division=tried % 20 == 0)] += 1
            if args.outputs_every and tried % args.outputs_every == 0:
                small = data if len(data) < 20_000 or suffix == ".docx" else data[:20_000]
                outcome = run_output_case(rng, small, suffix, work, tiny)
                output_runs[outcome.rsplit("/", 2)[0]] = output_runs.get(outcome.rsplit("/", 2)[0], 0) + 1
        except Exception:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"{tried:04d}{suffix}"
            path.write_bytes(data)
            path.with_suffix(path.suffix + ".traceback.txt").write_text(
                f"steps: {' '.join(steps)}\n\n{traceback.format_exc()}", encoding="utf-8")
            failures.append(path)
            print(f"exception on input {tried} ({' '.join(steps)}): saved {path}", file=sys.stderr)
        elapsed = time.perf_counter() - t0
        if elapsed > args.slow:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"slow-{tried:04d}{suffix}"
            path.write_bytes(data)
            slow.append((elapsed, path))
    seconds = time.perf_counter() - started
    _unmount(tiny)
    import shutil

    shutil.rmtree(work, ignore_errors=True)

    print(f"inputs tried:        {tried}")
    print(f"  refused (one line): {counts['refused']}")
    print(f"  extracted:          {counts['extracted']}")
    print(f"  also run into a hostile output folder: {sum(output_runs.values())} ("
          + ", ".join(f"{k} {v}" for k, v in sorted(output_runs.items())) + ")"
          + ("" if tiny is not None or not args.outputs_every else "; no full disk: needs root to mount a tmpfs"))
    print(f"uncaught exceptions: {len(failures)}")
    print(f"slower than {args.slow:g} s:    {len(slow)}" + "".join(f"\n  {t:.1f} s {p}" for t, p in slow))
    print(f"seconds:             {seconds:.1f}")
    print(f"seed:                {args.seed}")
    print(f"machine:             {machine()}")
    if failures or slow:
        print(f"failing inputs in:   {out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
