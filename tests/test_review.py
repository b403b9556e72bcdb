"""The review page as a reviewer sees it, in a headless Chromium driven over
the DevTools protocol (tests/cdp.py): one highlight per edge, a row's click
brings its text into view, the unit filter shows what a unit leads."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cdp import Browser, chromium  # noqa: E402

from taskgraph.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "out"
    assert main(["report", "-o", str(out), "--quiet"]) == 0
    return out


def _edges(out: Path) -> list[dict]:
    with open(out / "assignments.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_plan_has_a_review_page_linked_from_the_report(report):
    pages = sorted((report / "review").glob("*.html"))
    assert len(pages) == len(list((ROOT / "seeds").glob("*.txt")))
    index = (report / "index.html").read_text(encoding="utf-8")
    for page in pages:
        assert f'href="review/{page.name}"' in index
        text = page.read_text(encoding="utf-8")
        assert "http://" not in text.replace('http://www.w3.org', '') and "<script src" not in text


def test_highlights_in_the_html_match_the_edges(report):
    edges = _edges(report)
    for page in (report / "review").glob("*.html"):
        doc = page.stem + ".txt"
        text = page.read_text(encoding="utf-8")
        mine = [e for e in edges if e["doc"] == doc]
        assert text.count('data-role="lead"') == sum(e["role"] == "lead" for e in mine)
        assert text.count('data-role="support"') == sum(e["role"] == "support" for e in mine)


@pytest.fixture(scope="module")
def browser():
    if chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the review page is not driven")
    b = Browser()
    yield b
    b.close()


def test_what_a_reviewer_sees(report, browser):
    edges = _edges(report)
    page = report / "review" / "000_544df5f8ded5f63a.html"
    browser.open(page.as_uri())
    mine = [e for e in edges if e["doc"] == "000_544df5f8ded5f63a.txt"]
    # every edge highlighted where its unit stands, lead and support told apart without colour (tags 牵/配)
    assert browser.eval("document.querySelectorAll('mark[data-unit]').length") == len(mine)
    tags = browser.eval("[...document.querySelectorAll('mark[data-unit]')].map(m => m.dataset.role + m.querySelector('sup').textContent)")
    assert set(tags) == {"lead牵", "support配"}
    # the text under each highlight is the unit as written
    shown = browser.eval("[...document.querySelectorAll('mark[data-unit]')].map(m => m.firstChild.textContent)")
    assert sorted(shown) == sorted(e["written"] for e in mine)

    # clicking a row far down the table brings its task's text into view
    rows = browser.eval("document.querySelectorAll('#division tbody tr').length")
    assert rows == len({e["task_id"] for e in mine}) or rows >= 40
    k = rows - 3
    browser.eval(f"document.getElementById('r{k}').scrollIntoView({{block:'center'}})")
    x, y = browser.eval(f"(() => {{const r = document.getElementById('r{k}').cells[1].getBoundingClientRect();"
                        f" return [r.left + 5, r.top + 5];}})()")
    assert not browser.eval(f"(() => {{const r = document.getElementById('t{k}').getBoundingClientRect();"
                            f" return r.top >= 0 && r.bottom <= innerHeight;}})()")
    browser.click(x, y)
    assert browser.eval(f"(() => {{const r = document.getElementById('t{k}').getBoundingClientRect();"
                        f" return r.top >= 0 && r.bottom <= innerHeight;}})()")
    assert browser.eval(f"document.getElementById('t{k}').closest('.ln').classList.contains('here')")

    # the filter: everything 市科技局 leads
    leads = {e["task_id"] for e in mine if e["unit"] == "市科技局" and e["role"] == "lead"}
    assert leads
    browser.eval("(() => { const u = document.getElementById('unit'); u.value = '市科技局';"
                 " u.dispatchEvent(new Event('change')); const r = document.getElementById('role'); r.value = 'lead';"
                 " r.dispatchEvent(new Event('change')); })()")
    visible = browser.eval("[...document.querySelectorAll('#division tbody tr')].filter(r => r.offsetParent !== null)"
                           ".map(r => r.cells[0].textContent)")
    assert set(visible) == leads
