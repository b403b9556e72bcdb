"""The report: every file written, index.html self-contained and escaped,
the ``taskgraph report`` command, and a look at the page in Chromium.

A small corpus is read from two tiny plans (one annotated, one not), and a
third plan is added by hand whose task title and unit names carry HTML and
script, to show that the page prints them and never runs them.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import textwrap
import warnings
from pathlib import Path
from urllib.parse import unquote

import pytest

import taskgraph
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit
from taskgraph.render.report import report_files, write_report

ANNOTATED = """\
    测试市科技创新行动方案
    测试市人民政府
    2023年1月1日
    一、总体要求
    坚持创新驱动,加快建设创新型城市。
    二、重点任务
    (一)强化人才支撑
    1.引进高层次人才。加大引进力度。(牵头单位:市科技局;配合单位:市财政局、市人社局)
    2.培养青年人才。完善培养体系。(责任单位:市人社局、市教育局)
    (二)建设创新平台
    3.建设创新平台。支持企业建设研发机构。(责任单位:市发展改革委、市科技局)
    三、保障措施
    4.加强组织领导。建立工作机制。(责任单位:市政府办公室)
    """
BARE = """\
    示例县科技工作方案
    示例县人民政府
    一、重点任务
    1.推进科技成果转化。加快转化步伐。
    2.优化创新生态。营造良好氛围。
    """
EVIL_TITLE = "<script>document.title='PWNED'</script>任务 $x$"
EVIL_UNIT = '<img src=x onerror="document.title=\'PWNED\'">局'


def evil_plan() -> tuple[Plan, dict]:
    doc, place = "evil.txt", "恶意市"
    section = ("一、<b>重点</b>任务",)
    tasks = [Task(doc, "一/1", "一/1", "1", EVIL_TITLE, EVIL_TITLE, 3, section),
             Task(doc, "一/2", "一/2", "2", "正常任务", "正常任务", 4, section)]
    edges = [Assignment(doc, "一/1", EVIL_UNIT, "lead", 3), Assignment(doc, "一/1", "市科技局", "support", 3, 1),
             Assignment(doc, "一/2", "市科技局", "lead", 4), Assignment(doc, "一/2", EVIL_UNIT, "support", 4, 1)]
    units = {(doc, EVIL_UNIT): Unit(f"{place}:{EVIL_UNIT}", place, EVIL_UNIT, "<i>职能</i>", names=(EVIL_UNIT,)),
             (doc, "市科技局"): Unit(f"{place}:市科技局", place, "市科技局", "科技", known=True, names=("市科技局",))}
    info = DocumentInfo(doc=doc, title="恶意<style>body{display:none}</style>方案", place=place)
    return Plan(info, source=doc, tasks=tasks, assignments=edges), units


def write_plans(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text(textwrap.dedent(ANNOTATED), encoding="utf-8")
    (folder / "b.txt").write_text(textwrap.dedent(BARE), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The report of the small corpus, written once (figures drawn here, so
    a missing-glyph warning fails)."""
    corpus = taskgraph.load([write_plans(tmp_path_factory.mktemp("plans"))])
    plan, units = evil_plan()
    corpus.plans.append(plan)
    corpus.units.update(units)
    out = tmp_path_factory.mktemp("out")
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        written = write_report(corpus, out, progress=lambda *a: calls.append(a), workers=1)
    return corpus, out, written, calls


def test_every_file_listed_is_written(made):
    corpus, out, written, _ = made
    relative = [p.relative_to(out).as_posix() for p in written]
    assert sorted(relative) == sorted(report_files(corpus))
    assert len(relative) == len(set(relative))
    assert relative[-1] == "index.html"
    assert all((out / r).stat().st_size > 0 for r in relative)
    assert "tables/a-分工表.docx" in relative and "figures/network-测试市.svg" in relative
    assert not any(r.startswith("figures/load-示例县") for r in relative)  # no units: no load figure


def test_progress_counts_up_to_the_end(made):
    *_, calls = made
    done = [c[1] for c in calls]
    assert done == sorted(done) and calls[-1][1] == calls[-1][2] == calls[0][2]
    assert any(c[0].startswith("figure matrix-") for c in calls)


def test_index_is_self_contained(made):
    _, out, _, _ = made
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in page and "default-src 'none'" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page)
    assert "<link" not in page and "@import" not in page
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images and all(src.startswith("data:image/svg+xml;base64,") for src in images)
    assert "data:font/woff;base64," in page
    for href in re.findall(r'href="([^"#][^"]*)"', page):  # links go to the files beside it
        assert (out / unquote(html.unescape(href))).is_file(), href


def test_document_text_is_escaped(made):
    _, out, _, _ = made
    page = (out / "index.html").read_text(encoding="utf-8")
    for evil in (EVIL_TITLE, EVIL_UNIT, "<style>body{display:none}</style>", "<b>重点</b>", "<i>职能</i>"):
        assert evil not in page
    assert "&lt;script&gt;document.title=&#x27;PWNED&#x27;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;" in page
    assert page.count("<script") == 1  # the table sorter, nothing else
    assert len(re.findall(r"<style", page)) == 1


def test_index_has_every_part(made):
    corpus, out, _, _ = made
    page = (out / "index.html").read_text(encoding="utf-8")
    for part in ("plans", "load", "lint", "clusters", "overlap", "warnings", "files"):
        assert f'<section id="{part}">' in page
    assert page.count('<table class="division sortable"') == len(corpus.plans)
    warnings_part = page.split('<section id="warnings">', 1)[1]
    assert "推进科技成果转化" in warnings_part and "优化创新生态" in warnings_part  # unassigned tasks
    assert "未明确责任单位" in page and 'class="unassigned"' in page
    assert "&lt;img src=x" in warnings_part  # the unknown unit


def test_report_command(tmp_path):
    from taskgraph.cli import main

    plans = write_plans(tmp_path / "plans")
    out = tmp_path / "out"
    assert main(["report", str(plans / "a.txt"), "-o", str(out), "-q", "-j", "1"]) == 0
    assert (out / "index.html").is_file() and (out / "tables" / "a-分工表.xlsx").is_file()
    assert (out / "tasks.csv").is_file()  # what extract writes
    assert main(["report", str(tmp_path / "missing.txt"), "-o", str(out), "-q"]) == 2


def test_report_on_plans_without_any_annotation(tmp_path):
    corpus = taskgraph.load([write_plans(tmp_path / "plans") / "b.txt"])
    written = write_report(corpus, tmp_path / "out", workers=1)
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == sorted(report_files(corpus))
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "该方案未标注责任单位" in page


def test_a_missing_font_fails_before_anything_is_written(tmp_path):
    from taskgraph.cli import main

    plans = write_plans(tmp_path / "plans")
    assert main(["report", str(plans / "a.txt"), "-o", str(tmp_path / "out"), "-q", "--font", "/no/such.ttf"]) == 2
    assert not (tmp_path / "out").exists()


def test_report_on_the_seeds(tmp_path):
    corpus = taskgraph.load()
    written = write_report(corpus, tmp_path)
    assert len(written) == len(report_files(corpus)) > 80
    assert (tmp_path / "index.html").stat().st_size < 10_000_000


# ----------------------------------------------------------------- Chromium

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_page_renders_in_chromium(made, tmp_path):
    from PIL import Image

    _, out, _, _ = made
    shot = tmp_path / "shot.png"
    chromium(out / "index.html", tmp_path, f"--screenshot={shot}", "--window-size=1400,2400")
    with Image.open(shot) as im:
        grey = im.convert("L")
        assert grey.getextrema()[0] < 100  # something dark was drawn: text
        assert len(im.convert("RGB").getcolors(1 << 20) or []) > 50  # text, tables, figures: not blank
    dom = chromium(out / "index.html", tmp_path, "--dump-dom").stdout
    assert "<title>任务分工分析报告 · taskgraph</title>" in dom and "PWNED" not in dom.split("</title>")[0]
    assert 'tabindex="0"' in dom  # the sorter ran


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_tables_sort_in_chromium(made, tmp_path):
    _, out, _, _ = made
    page = (out / "index.html").read_text(encoding="utf-8")
    click = ("<script>var t=document.querySelector('#load table.sortable');"
             "var h=t.tHead.rows[0].cells;h[2].click();h[2].click();</script></body>")
    copy = tmp_path / "index.html"
    copy.write_text(page.replace("</body>", click), encoding="utf-8")
    dom = chromium(copy, tmp_path, "--dump-dom").stdout
    table = dom.split('<section id="load">', 1)[1].split("</table>", 1)[0]
    assert 'aria-sort="descending"' in table
    body = table.split("<tbody>", 1)[1]
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in body.split("<tr")[1:]]
    third = [float(c[2]) for c in cells]
    assert len(third) >= 2 and third == sorted(third, reverse=True)


def test_the_page_font_draws_every_character_the_page_shows(made):
    """index.html embeds a cut of the font (made from the figures' own cut
    when that holds the page's text); no character the page shows may be
    missing from it, or the browser would fall back to another font."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    _, out, _, _ = made
    page = (out / "index.html").read_text(encoding="utf-8")
    woff = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", page)
    cmap = TTFont(io.BytesIO(base64.b64decode(woff.group(1)))).getBestCmap()
    body = re.sub(r"<script.*?</script>", "", page.split("<body>", 1)[1], flags=re.S)
    shown = html.unescape(re.sub(r"<[^>]*>", "", body))
    missing = {c for c in shown if not c.isspace() and ord(c) not in cmap}
    assert shown.count("测试市") and not missing, "".join(sorted(missing))


def test_one_place_gets_no_comparison_figures(tmp_path):
    from taskgraph.cli import main
    from taskgraph.render.report import report_files

    out = tmp_path / "out"
    plan = Path(__file__).resolve().parents[1] / "seeds" / "001_8932685789ee55e5.txt"
    assert main(["report", str(plan), "-o", str(out), "--quiet"]) == 0
    figures = {p.stem for p in (out / "figures").iterdir()}
    assert not {f for f in figures if f.startswith("overlap-")}
    assert {"load-by-function"} <= figures and any(f.startswith("network-") for f in figures)
    assert "没有可比较的地区" in (out / "index.html").read_text(encoding="utf-8")
    import taskgraph
    listed = set(report_files(taskgraph.load([str(plan)])))
    assert listed == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                      and not p.name.startswith(".taskgraph")}
