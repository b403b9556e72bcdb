"""The four large inputs of the robustness checks, each run through
``taskgraph extract`` and ``taskgraph report`` in a child process of its own
(its time, peak memory and exit status), beside a good plan:

* ``docx-cells``  a .docx holding one 分工表 of 100,000 table cells;
* ``pdf-pages``   a 2,000-page PDF with a text layer;
* ``tasks``       a text plan of 20,000 annotated tasks naming 5,000 units;
* ``headings``    50,000 nested headings (一、 (一) 1. (1)), annotations on
  items and on lines of their own after sub-items.

    python benchmarks/large.py                    # all four, extract and report
    python benchmarks/large.py --cases tasks --commands extract
    python benchmarks/large.py --scale 0.1        # a tenth of each size (a smoke run)

The inputs are generated under a temporary folder (``--keep DIR`` keeps
them). Nothing is timed by the tests: these figures are for the README.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "seeds" / "000_544df5f8ded5f63a.txt"

# parts of made-up unit names: 5,000 distinct names from a 60 × 60 × 4 grid
_A = "发展改革经济信息科技教育财政人力资源社会保障自然规划生态环境住房城乡建设交通运输水利农业农村商务文化旅游卫生健康应急管理市场监督统计医疗保障"
_KINDS = ("局", "委", "办", "中心")
_NUM = "一二三四五六七八九十"


def unit_names(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < n:
        core = "".join(rng.choice(_A) for _ in range(rng.randint(2, 4)))
        names[f"市{core}{rng.choice(_KINDS)}"] = None
    return list(names)


def numeral(n: int) -> str:
    """Chinese numeral of 1..9999 as outlines write it (一, 十二, 二十, 一百零五)."""
    if n < 10:
        return _NUM[n - 1]
    if n < 20:
        return "十" + (_NUM[n - 11] if n > 10 else "")
    if n < 100:
        return _NUM[n // 10 - 1] + "十" + (_NUM[n % 10 - 1] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _NUM[n // 100 - 1] + "百"
        if not rest:
            return head
        return head + ("零" + _NUM[rest - 1] if rest < 10 else (numeral(rest) if rest >= 20 else "一" + numeral(rest)))
    rest = n % 1000
    head = _NUM[n // 1000 - 1] + "千"
    return head + (("零" if rest < 100 else "") + numeral(rest) if rest else "")


HEADER = "锦州市科技创新行动方案(2023—2025年)\n为加快建设创新型城市,制定本方案。\n"


def _task_text(rng: random.Random, i: int) -> str:
    verbs = ("推进", "加强", "完善", "实施", "支持", "优化", "建立", "深化")
    objects = ("科技创新平台建设", "企业研发投入", "人才引进培养", "成果转化机制", "数字经济发展", "营商环境",
               "产业链协同", "创新联合体")
    return f"{rng.choice(verbs)}{rng.choice(objects)}第{i}项工作,落实各项措施。"


def _annotation(rng: random.Random, units: list[str]) -> tuple[str, list[str]]:
    k = rng.randint(1, 4)
    chosen = rng.sample(units, k)
    if k == 1:
        return f"(牵头单位:{chosen[0]})", chosen
    return f"(牵头单位:{chosen[0]};配合单位:{'、'.join(chosen[1:])})", chosen


def tasks_plan(n_tasks: int, n_units: int, seed: int = 0) -> str:
    """``n_tasks`` annotated tasks under sections of 100, every one of
    ``n_units`` units named at least once."""
    rng = random.Random(seed)
    units = unit_names(n_units, seed)
    order = units[:]  # every unit once, then at random
    rng.shuffle(order)
    lines = [HEADER]
    for i in range(n_tasks):
        if i % 100 == 0:
            lines.append(f"{numeral(i // 100 + 1)}、重点任务第{i // 100 + 1}部分")
        ann, _ = _annotation(rng, units)
        if order:
            lead = order.pop()
            ann = ann.replace("牵头单位:", f"牵头单位:{lead}、", 1)
        lines.append(f"{i % 100 + 1}.{_task_text(rng, i)}{ann}")
    return "\n".join(lines) + "\n"


def headings_plan(n_headings: int, n_units: int = 500, seed: int = 0) -> str:
    """Nested headings 一、 > (一) > 1. > (1): the (1) items carry their
    annotations, every second 1. item has sub-items with none and its
    annotation on a line of its own after them (it belongs to the 1.)."""
    rng = random.Random(seed)
    units = unit_names(n_units, seed)
    lines = [HEADER]
    count = a = 0
    while count < n_headings:
        a += 1
        lines.append(f"{numeral(a)}、第{a}方面任务")
        count += 1
        for b in range(1, 11):
            lines.append(f"({numeral(b)})第{a}-{b}项重点")
            count += 1
            for c in range(1, 6):
                lines.append(f"{c}.{_task_text(rng, count)}")
                count += 1
                own = c % 2 == 0
                for d in range(1, 4):
                    ann = "" if own else _annotation(rng, units)[0]
                    lines.append(f"({d}){_task_text(rng, count)}{ann}")
                    count += 1
                if own:
                    lines.append(_annotation(rng, units)[0])
    return "\n".join(lines) + "\n"


def docx_table(n_cells: int, n_units: int = 2000, seed: int = 0) -> bytes:
    """A .docx whose body is a title and one 分工表 of five columns,
    ``n_cells`` cells in all (header included)."""
    from xml.sax.saxutils import escape

    rng = random.Random(seed)
    units = unit_names(n_units, seed)

    def cell(text: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>"

    rows = ["<w:tr>" + "".join(cell(h) for h in ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")) + "</w:tr>"]
    for i in range(1, n_cells // 5):
        chosen = rng.sample(units, rng.randint(1, 4))
        rows.append("<w:tr>" + cell(str(i)) + cell(_task_text(rng, i)) + cell(chosen[0]) + cell("、".join(chosen[1:]))
                    + cell("2025年底") + "</w:tr>")
    body = (f"<w:p><w:r><w:t>锦州市科技创新重点任务分工方案</w:t></w:r></w:p><w:tbl>{''.join(rows)}</w:tbl>")
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def pdf_pages(n_pages: int, text: str, lines_per_page: int = 40, width: int = 36) -> bytes:
    """A PDF of ``n_pages`` pages showing ``text`` (repeated as needed), cut
    into lines of ``width`` characters as a page would wrap them. The font
    is not embedded: each character is drawn as its own code (Identity-H)
    and a ToUnicode map says which character it is, so the text layer reads
    back as written."""
    paragraphs = [p for p in text.split("\n") if p]
    page_lines: list[str] = []
    for p in paragraphs:
        page_lines += [p[i:i + width] for i in range(0, len(p), width)]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    # a ToUnicode map of the characters used (as a real subset font has;
    # pypdf reads it again for every page)
    used = sorted(set("".join(page_lines)))
    entries = [f"<{ord(c):04X}> <{ord(c):04X}>" for c in used]
    blocks = "".join(f"{len(entries[i:i + 100])} beginbfchar " + " ".join(entries[i:i + 100]) + " endbfchar "
                     for i in range(0, len(entries), 100))
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (UCS) /Supplement 0 >> def /CMapName /Identity-UCS def /CMapType 2 def 1 "
            b"begincodespacerange <0000> <FFFF> endcodespacerange " + blocks.encode() +
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    tounicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descriptor = add(b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] "
                     b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    cid = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
              b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /CIDToGIDMap /Identity >>"
              % descriptor)
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, tounicode))
    pages_id = len(objects) + 2 * n_pages + 1  # the page tree comes after the pages
    kids = []
    k = 0
    for n in range(n_pages):
        ops = [b"BT /F1 12 Tf 14 TL 40 800 Td"]
        for _ in range(lines_per_page):
            line = page_lines[k % len(page_lines)]
            k += 1
            ops.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, content, font)))
    assert add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in kids) + b"] /Count %d >>"
               % n_pages) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def make_case(case: str, folder: Path, scale: float = 1.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if case == "docx-cells":
        path = folder / "分工表.docx"
        path.write_bytes(docx_table(int(100_000 * scale)))
    elif case == "pdf-pages":
        path = folder / "方案.pdf"
        text = tasks_plan(400, 300, seed=1)  # a real-looking plan, its lines repeated over the pages
        path.write_bytes(pdf_pages(int(2_000 * scale), text))
    elif case == "tasks":
        path = folder / "plan.txt"
        path.write_text(tasks_plan(int(20_000 * scale), int(5_000 * scale)), encoding="utf-8")
    elif case == "headings":
        path = folder / "headings.txt"
        path.write_text(headings_plan(int(50_000 * scale)), encoding="utf-8")
    else:
        raise ValueError(case)
    return path


CASES = ("docx-cells", "pdf-pages", "tasks", "headings")


_CHILD = """
import json, os, resource, sys
from taskgraph.cli import main
try:
    status = main(sys.argv[1:])
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["TASKGRAPH_LARGE_PEAK"], "w") as fh:
        json.dump({"own": own / 1024, "workers": workers / 1024}, fh)
sys.exit(status)
"""


def run(command: str, path: Path, out: Path, timeout: float) -> dict:
    """``taskgraph COMMAND path GOOD -o out`` in a child process: seconds,
    peak memory (MB) of the process and of its figure workers, exit status,
    its error lines."""
    import json

    peak_file = out.parent / f".peak-{command}.json"
    env = {**os.environ, "TASKGRAPH_LARGE_PEAK": str(peak_file)}
    t = time.perf_counter()
    cmd = [sys.executable, "-c", _CHILD, command, str(path), str(GOOD), "-o", str(out), "-q"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        status, err = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        status, err = "timeout", ""
    seconds = time.perf_counter() - t
    try:
        peak = json.loads(peak_file.read_text())
    except (OSError, ValueError):
        peak = {"own": float("nan"), "workers": float("nan")}
    return {"seconds": seconds, "peak_mb": peak["own"], "workers_mb": peak["workers"], "status": status,
            "stderr": [line for line in err.splitlines() if line.startswith("error") or "Traceback" in line][-3:]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--commands", default="extract,report")
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of each size (default 1)")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--keep", type=Path, help="keep the generated inputs and outputs here")
    args = ap.parse_args(argv)
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="taskgraph-large-"))
    try:
        for case in args.cases.split(","):
            t = time.perf_counter()
            path = make_case(case, tmp / case, args.scale)
            made = time.perf_counter() - t
            print(f"{case}: {path.name}, {path.stat().st_size / 1e6:.1f} MB (made in {made:.1f} s)", flush=True)
            for command in args.commands.split(","):
                out = tmp / case / f"out-{command}"
                r = run(command, path, out, args.timeout)
                tasks = ""
                if (out / "documents.csv").exists():
                    import csv

                    with open(out / "documents.csv", encoding="utf-8-sig") as fh:
                        docs = list(csv.DictReader(fh))
                    tasks = ", ".join(f"{d['doc']}: {d['n_tasks']} tasks, {d['n_units']} units, {d['n_edges']} edges"
                                      for d in docs)
                print(f"  {command:8s} {r['seconds']:7.1f} s  peak {r['peak_mb']:6.0f} MB (workers "
                      f"{r['workers_mb']:.0f} MB)  exit {r['status']}  {tasks}", flush=True)
                for line in r["stderr"]:
                    print(f"    {line}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
