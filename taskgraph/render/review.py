"""The review page of a plan: its text as written, every unit the extractor
read highlighted where it stands, beside the 分工表, so that a person can
check each assignment against the text before the table is filed.

``review/<plan>.html`` (one per plan, linked from ``index.html``) shows

* the reads to check first (the ``check`` codes of :mod:`taskgraph.checks`,
  with their reasons in words);
* the plan's text line by line as the file writes it, each task's first
  line marked with its id in the margin, each unit of an edge highlighted:
  a lead boxed and tagged 牵, a supporting unit underlined with dashes and
  tagged 配 (Okabe–Ito blue and orange, never colour alone);
* the 分工表 beside it: a row links to its text and the text's id back to its
  row; a filter shows what one unit leads or supports.

The page is self-contained (inline style and script, the font cut to the
page's text, nothing fetched) and works with the keyboard (links, a
select, rows that take focus). Edges of a table flattened into text have no
exact span: the page looks for the name on the row's lines and marks what
it finds as located by search.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..checks import reason, short
from ..export import atomic_write
from . import style

if TYPE_CHECKING:
    from ..corpus import Corpus
    from ..model import Plan

__all__ = ["write_reviews", "review_html", "source_lines"]

ROLE_WORD = {"lead": "牵头", "support": "配合"}
#: the words of the page itself (for the font cut)
PAGE_WORDS = ("已更正原文中没有确切位置如网页格的单元图例牵头单位配合按名称查到的位置表格文字无分隔符时单位按名称在该行查找返回报告全部角色或显示项任务"
              "需要核对没有特别读取结果原文无法再次来自标准输入文件已移走只列出分工表重点核对到这一行关系已在中标出"
              "（）：；、—·")


def page_words() -> str:
    """Every character the review pages may show besides the plans' own
    text: the page's words and every reason a read is checked for (so that
    the report's one font cut holds them all)."""
    from ..checks import EDGE_CHECKS, TASK_CHECKS

    return PAGE_WORDS + "".join(reason(c) + short(c) for c in EDGE_CHECKS + TASK_CHECKS)
ROLE_TAG = {"lead": "牵", "support": "配"}
_SEARCH_LINES = 40  # lines from a table row's first line where its names are looked for


def source_lines(plan: "Plan") -> dict[int, str] | None:
    """The plan's lines as the file writes them, by line number (the numbers
    of :attr:`Assignment.line`); None when the source cannot be read again
    (standard input, a file gone or changed into something unreadable)."""
    from ..read import read_document

    if not plan.source or plan.source == "-":
        return None
    try:
        doc = read_document(plan.source)
    except Exception:  # the page then shows the table alone, and says why
        return None
    out: dict[int, str] = {}
    for ln in doc.lines:
        raw = ln.src.raw if ln.src is not None else ln.text
        out.setdefault(ln.no, raw)
    return out


def write_reviews(corpus: "Corpus", folder: str | Path, stems: list[str], font=None,
                  sources: list[dict[int, str] | None] | None = None) -> list[Path]:
    """Write ``<stem>.html`` into ``folder`` for every plan of ``corpus``
    (``sources``: each plan's :func:`source_lines`, if read already)."""
    folder = Path(folder)
    out = []
    if sources is None:
        sources = [source_lines(plan) for plan in corpus.plans]
    # one font cut for every page (made once, then read from the cache): the
    # characters of all the plans' texts, of their units and of the page's words
    chars = {c for lines in sources if lines for text in lines.values() for c in text}
    chars.update(c for plan in corpus.plans for t in plan.tasks for c in t.task_id + t.title)
    chars.update(c for plan in corpus.plans for a in plan.assignments for c in a.unit)
    chars.update(c for plan in corpus.plans for c in (plan.info.title or plan.info.doc))
    font_text = page_words() + "".join(sorted(chars))
    for plan, stem, lines in zip(corpus.plans, stems, sources):
        page = review_html(plan, corpus, lines, font=font, font_text=font_text)
        out.append(atomic_write(folder / f"{stem}.html", page.encode("utf-8")))
    return out


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _spans(plan: "Plan", lines: dict[int, str]) -> tuple[dict[int, list[tuple[int, int, int]]], dict[int, str]]:
    """Per line, the highlighted ranges ``(start, end, edge index)``; and,
    per edge, how it was located (``span``: the extractor's; ``search``:
    the name found on the row's lines; missing: not located)."""
    per_line: dict[int, list[tuple[int, int, int]]] = {}
    how: dict[int, str] = {}

    def free(no: int, a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _ in per_line.get(no, []))

    later = []
    for k, a in enumerate(plan.assignments):
        text = lines.get(a.line)
        if a.start >= 0 and text is not None and a.end <= len(text) and free(a.line, a.start, a.end):
            per_line.setdefault(a.line, []).append((a.start, a.end, k))
            how[k] = "span"
        else:
            later.append(k)
    numbers = sorted(lines)
    task_lines = sorted({t.line for t in plan.tasks})
    for k in later:  # table rows flattened into text: the name on the row's lines (up to the next row)
        a = plan.assignments[k]
        if a.how == "corrected":
            continue  # added by a person: not in the text
        names = [n for n in dict.fromkeys((a.written, a.unit)) if n]
        nxt = bisect_right(task_lines, a.line)
        stop = task_lines[nxt] if nxt < len(task_lines) else None
        first = bisect_left(numbers, a.line)
        for no in numbers[first:first + _SEARCH_LINES]:
            if stop is not None and no >= stop:
                break
            text = lines[no]
            found = False
            for name in names:
                at = text.find(name)
                while at >= 0 and not free(no, at, at + len(name)):
                    at = text.find(name, at + 1)
                if at >= 0:
                    per_line.setdefault(no, []).append((at, at + len(name), k))
                    how[k] = "search"
                    found = True
                    break
            if found:
                break
    for ranges in per_line.values():
        ranges.sort()
    return per_line, how


def review_html(plan: "Plan", corpus: "Corpus", lines: dict[int, str] | None, font=None,
                font_text: str | None = None) -> str:
    """The review page of one plan (``lines``: :func:`source_lines`;
    ``font_text``: the characters its font is cut to, default the page's own)."""
    from ..checks import joined  # noqa: F401  (the codes' order is the records')

    info = plan.info
    title = info.title or info.doc
    tasks = plan.tasks
    index = {t.task_id: i for i, t in enumerate(tasks)}
    units = corpus.units
    edges = list(plan.assignments)

    def unit_of(a):
        u = units.get((a.doc, a.unit))
        return u

    def checks(a) -> list[str]:
        t = tasks[index[a.task_id]] if a.task_id in index else None
        u = unit_of(a)
        codes = [*a.check, *(t.check if t else ())]
        if u is not None and not u.known and not u.collective:
            codes.append("unknown-unit")
        return list(dict.fromkeys(codes))

    per_line, located = _spans(plan, lines or {})
    starts: dict[int, list[int]] = {}
    for i, t in enumerate(tasks):
        starts.setdefault(t.line, []).append(i)

    parts: list[str] = []
    add = parts.append
    by_task: dict[str, list[int]] = {}
    for k, a in enumerate(edges):
        by_task.setdefault(a.task_id, []).append(k)
    n_flag = sum(1 for t in tasks if t.check or any(checks(edges[k]) for k in by_task.get(t.task_id, ())))
    add(f'<header><h1>{_e(title)}</h1><p class="facts"><span>文件 {_e(info.doc)}</span>'
        f"<span>任务 {len(tasks)}</span><span>分工关系 {len(edges)}</span>"
        f"<span>需核对的任务 {n_flag}</span><span>已在原文中标出 {len(located)}</span></p>")
    add('<p class="legend">图例：<mark class="lead">牵头单位<sup>牵</sup></mark> '
        '<mark class="support">配合单位<sup>配</sup></mark> '
        '<mark class="lead search">按名称查到的位置<sup>牵</sup></mark>'
        '（原文中没有确切位置的单位，如 Word、网页表格的单元格，按名称在该行查找）。<a href="../index.html">返回报告</a></p>')
    names = sorted({a.unit for a in edges})
    add('<div class="filter" role="search"><label>单位 <select id="unit"><option value="">全部单位</option>'
        + "".join(f'<option value="{_e(n)}">{_e(n)}</option>' for n in names)
        + '</select></label> <label>角色 <select id="role"><option value="">牵头或配合</option>'
          '<option value="lead">牵头</option><option value="support">配合</option></select></label> '
          '<span id="shown" aria-live="polite"></span></div></header>')

    # ------------------------------------------------ reads to check first
    # one item per task: the task's own reasons once, then each unit's own
    flagged = []
    for i, t in enumerate(tasks):
        mine = by_task.get(t.task_id, [])
        own = [(k, [c for c in checks(edges[k]) if c not in t.check]) for k in mine]
        own = [(k, codes) for k, codes in own if codes]
        if t.check or own:
            flagged.append((i, list(t.check), own))
    n_flag = len(flagged)
    add(f'<section id="flags"><details open><summary><h2>需要核对（{n_flag} 项任务）</h2></summary>')
    if flagged:
        add("<ol>")
        for i, task_codes, own in flagged:
            t = tasks[i]
            said = []
            if task_codes:
                said.append("；".join(_e(reason(c)) for c in task_codes))
            for k, codes in own:
                a = edges[k]
                said.append(f'<a href="#e{k}">{_e(a.unit)}</a>（{ROLE_WORD[a.role]}）：'
                            + "；".join(_e(reason(c)) for c in codes))
            add(f'<li><a href="#r{i}">{_e(t.task_id)}</a> {_e(t.title)} — ' + " ｜ ".join(said) + "</li>")
        add("</ol>")
    else:
        add('<p class="none">没有需要特别核对的读取结果。</p>')
    add("</details></section>")

    add('<div class="cols"><section class="text" aria-label="原文"><h2>原文</h2>')
    if lines is None:
        add('<p class="none">原文无法再次读取（来自标准输入，或文件已移走）：只列出分工表。</p>')
    else:
        for no in sorted(lines):
            text = lines[no]
            ids = starts.get(no, [])
            margin = "".join(f'<a class="tid" id="t{i}" href="#r{i}" title="到分工表的这一行">{_e(tasks[i].task_id)}</a>'
                             for i in ids)
            body, pos = [], 0
            for s, e, k in per_line.get(no, []):
                a = edges[k]
                body.append(_e(text[pos:s]))
                own = [*a.check, *(() if (u := unit_of(a)) is None or u.known or u.collective else ("unknown-unit",))]
                cls = a.role + (" search" if located.get(k) == "search" else "") + (" flag" if own else "")
                tip = f"{ROLE_WORD[a.role]}：{a.unit}（任务 {a.task_id}）"
                i = index.get(a.task_id, -1)
                body.append(f'<mark class="{cls}" id="e{k}" data-row="{i}" data-unit="{_e(a.unit)}" '
                            f'data-role="{a.role}" title="{_e(tip)}">{_e(text[s:e])}'
                            f'<sup aria-hidden="true">{ROLE_TAG[a.role]}</sup></mark>')
                pos = e
            body.append(_e(text[pos:]))
            cls = "ln start" if ids else "ln"
            add(f'<div class="{cls}" id="L{no}"><span class="no">{no}</span><span class="m">{margin}</span>'
                f'<span class="tx">{"".join(body)}</span></div>')
    add("</section>")

    # ------------------------------------------------ the 分工表 beside it
    add('<section class="table" aria-label="分工表"><h2>任务分工表</h2><table id="division"><thead><tr>'
        "<th class=c1>任务</th><th>重点任务</th><th class=c3>牵头单位</th><th class=c3>配合单位</th><th class=c5>核对</th>"
        "</tr></thead><tbody>")
    for i, t in enumerate(tasks):
        ks = by_task.get(t.task_id, [])

        def cell(role: str) -> str:
            def one(k: int) -> str:
                fixed = '<small class="corr">（已更正）</small>' if edges[k].how == "corrected" else ""
                if k in located:
                    return f'<a href="#e{k}" class="u {role}">{_e(edges[k].unit)}</a>{fixed}'
                return f'<span class="u {role}">{_e(edges[k].unit)}</span>{fixed}'
            return "、".join(one(k) for k in ks if edges[k].role == role)
        codes = list(dict.fromkeys([c for k in ks for c in checks(edges[k])] + list(t.check)))
        roles = json.dumps([[edges[k].unit, edges[k].role] for k in ks], ensure_ascii=False)
        note = "、".join(f'<abbr title="{_e(reason(c))}">{_e(short(c))}</abbr>' for c in codes)
        add(f'<tr id="r{i}" tabindex="0" data-line="{t.line}" data-units="{_e(roles)}"'
            f'{" class=flag" if codes else ""}><td><a href="#t{i}" title="到原文">{_e(t.task_id)}</a></td>'
            f"<td>{_e(t.title)}</td><td>{cell('lead')}</td><td>{cell('support')}</td>"
            f'<td class="why">{note}</td></tr>')
    add("</tbody></table></section></div>")

    content = "\n".join(parts)
    return _page(content, title, font, font_text)


def _page(content: str, title: str, font, font_text: str | None = None) -> str:
    import re

    text = re.sub(r"<[^>]*>", "", content)
    if font_text is None or not set(text) <= set(font_text) | set(style._ALWAYS):
        font_text = text  # (no shared cut, or a character it lacks: this page gets its own)
    return style.page_html(content, title=f"核对：{_e(title)} · taskgraph", css=_CSS, script=_JS, font=font,
                           font_text=font_text)


def review_names(stems: Iterable[str]) -> list[str]:
    """The files :func:`write_reviews` writes, relative to the report folder."""
    return [f"review/{s}.html" for s in stems]


_CSS = """
:root{--ink:#222;--muted:#666;--line:#d0d0d0;--lead:#0072B2;--support:#E69F00;--flag:#CC79A7}
body{font-family:FONT "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
color:var(--ink);margin:0;line-height:1.6;background:#fff}
header{padding:12px 20px;border-bottom:1px solid var(--line);position:sticky;top:0;background:#fff;z-index:2}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:8px 0}
.facts span{margin-right:14px;color:var(--muted)}.legend{margin:4px 0;font-size:14px}
.filter{font-size:14px}.filter select{font:inherit;max-width:16em}
#flags{padding:4px 20px;border-bottom:1px solid var(--line);font-size:14px}
#flags ol{margin:4px 0;padding-left:2em;max-height:30vh;overflow:auto}#flags summary h2{display:inline}
.cols{display:flex;gap:16px;padding:0 20px 40px;align-items:flex-start}
.text{flex:1 1 55%;min-width:0}.table{flex:1 1 45%;min-width:0;position:sticky;top:120px;max-height:80vh;overflow:auto}
.ln{display:flex;gap:6px;font-size:15px;padding:1px 0}.ln.start{border-top:1px solid var(--line);margin-top:4px;padding-top:4px}
.ln .no{color:var(--muted);width:3em;text-align:right;flex:none;font-size:12px;padding-top:3px}
.ln .m{width:7em;flex:none;font-size:12px;padding-top:3px}.ln .tx{white-space:pre-wrap;word-break:break-all}
a.tid{display:inline-block;background:#eee;border-radius:3px;padding:0 4px;margin:0 2px 2px 0;color:var(--ink)}
mark{background:none;color:inherit;padding:0 1px}
mark.lead{border:2px solid var(--lead);border-radius:3px;font-weight:bold}
mark.support{border-bottom:2px dashed var(--support)}
mark.search{border-style:dotted}
mark sup{font-size:10px;margin-left:1px}mark.lead sup{color:var(--lead)}mark.support sup{color:#8a5a00}
mark.flag{box-shadow:0 0 0 2px var(--flag) inset}
mark.dim{opacity:.35}mark.hit{background:#fff3b0}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border:1px solid var(--line);padding:3px 5px;vertical-align:top}
th{background:#dde6f0;position:sticky;top:0}tr.flag td.why{color:#7a2a57}tr:focus{outline:2px solid var(--lead)}
tr.here{background:#fff3b0}tr.hidden{display:none}.ln.here{background:#fff3b0}
.u.lead{font-weight:bold}.why{font-size:12px}th.c1{width:4.5em}th.c3{width:7em}th.c5{width:6em}abbr{text-decoration:none}
.none{color:var(--muted)}.corr{color:#006d4e}
@media (max-width:800px){.cols{flex-direction:column}.table{position:static;max-height:none}}
"""

_JS = r"""
(function(){
var rows=[].slice.call(document.querySelectorAll('#division tbody tr'));
var marks=[].slice.call(document.querySelectorAll('mark[data-unit]'));
function go(id){var el=document.getElementById(id);if(!el)return;
 el.scrollIntoView({block:'center'});document.querySelectorAll('.here').forEach(function(x){x.classList.remove('here')});
 var ln=el.closest('.ln')||el;ln.classList.add('here');}
rows.forEach(function(r){
 function show(){go('t'+r.id.slice(1));}
 r.addEventListener('click',function(ev){if(ev.target.tagName!=='A'){show();}});
 r.addEventListener('keydown',function(ev){if(ev.key==='Enter'){show();}});
});
document.querySelectorAll('a.tid').forEach(function(a){a.addEventListener('click',function(ev){
 ev.preventDefault();var r=document.getElementById('r'+a.id.slice(1));if(!r)return;
 r.scrollIntoView({block:'center'});rows.forEach(function(x){x.classList.remove('here')});r.classList.add('here');r.focus();});});
marks.forEach(function(m){m.addEventListener('click',function(){var r=document.getElementById('r'+m.dataset.row);
 if(r){r.scrollIntoView({block:'center'});rows.forEach(function(x){x.classList.remove('here')});r.classList.add('here');}});});
var unit=document.getElementById('unit'),role=document.getElementById('role'),shown=document.getElementById('shown');
function filter(){var u=unit.value,ro=role.value,n=0;
 rows.forEach(function(r){var us=JSON.parse(r.dataset.units||'[]');
  var ok=(!u&&!ro)||us.some(function(x){return (!u||x[0]===u)&&(!ro||x[1]===ro);});
  r.classList.toggle('hidden',!ok);if(ok)n++;});
 marks.forEach(function(m){var ok=(!u||m.dataset.unit===u)&&(!ro||m.dataset.role===ro);
  m.classList.toggle('dim',(u||ro)&&!ok);m.classList.toggle('hit',!!(u||ro)&&ok);});
 shown.textContent=(u||ro)?('显示 '+n+' 项任务'):'';}
unit.addEventListener('change',filter);role.addEventListener('change',filter);
})();
"""
