"""Plans over time in the report: targets, versions and the progress ledger.

:func:`write_over_time` writes, beside what the rest of the report writes::

    targets.csv               every quantitative target (taskgraph.targets)
    督办台账.xlsx              the progress ledger, carrying over what the office typed
    tables/targets.xlsx       the targets, and the places compared on shared indicators
    tables/diff.xlsx|csv      versions of one plan compared (when the corpus holds some)
    figures/progress.*        progress per unit (when the ledger has statuses filled in)

and gives the report its sections (指标目标, 版本比较, 督办进展). A ledger
already in the output folder is read first: what the office typed there
survives (see :mod:`taskgraph.render.ledger`); one that cannot be read is
left as it is and the new ledger is written beside it.
"""
from __future__ import annotations

import base64
import datetime as _dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..export import atomic_write, csv_bytes
from ..model import Diagnostic
from ..targets import TARGET_COLUMNS, target_records
from . import _xl
from .ledger import LEDGER_NAME, LedgerError, read_ledger, write_ledger

if TYPE_CHECKING:  # pragma: no cover
    from ..corpus import Corpus

__all__ = ["OverTime", "write_over_time", "over_time_files", "progress_figure", "target_comparison",
           "PROGRESS_FIGURE", "TARGET_HEADERS"]

PROGRESS_FIGURE = "progress"
#: Chinese headers of the targets table.
TARGET_HEADERS = {
    "doc": "文件", "place": "地区", "source": "出处", "task_id": "任务编号", "lead": "牵头单位", "indicator": "指标（原文）",
    "key": "指标标识", "key_name": "统一指标", "value": "目标值", "value_max": "目标值上限", "unit": "单位",
    "comparator": "比较词", "bound": "含义", "baseline": "基数", "year": "目标年份", "year_from": "年份来源",
    "annual": "每年", "written": "原文数值", "sentence": "原句", "line": "行",
}
_SOURCES = {"goals": "目标", "task": "任务"}
_BOUNDS = {"reach": "达到", "more_than": "超过", "at_least": "不低于", "about": "左右", "at_most": "不超过",
           "growth": "增长", "decline": "下降", "added": "新增", "": ""}
_STATUS_COLOURS = {"done": "#009E73", "in_progress": "#0072B2", "not_started": "#BBBBBB", "behind": "#D55E00",
                   "other": "#CC79A7", "unreported": "#E8E8E8"}
FIGURE_UNITS = 40


@dataclass
class OverTime:
    """What :func:`write_over_time` wrote and what the report shows of it."""

    files: list[Path] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    comparison: list[dict] = field(default_factory=list)
    diffs: list = field(default_factory=list)
    progress: object = None  # taskgraph.progress.Progress, when the ledger has statuses
    notes: list[str] = field(default_factory=list)
    ledger_path: Path | None = None

    def sections(self, embedded: dict[str, bytes] | None = None) -> list[tuple[str, str, str]]:
        """The report's sections: ``(id, title, html)``."""
        out = [("targets", "指标目标", _targets_html(self)), ("progress", "督办进展", _progress_html(self, embedded or {}))]
        if self.diffs:
            from .versions import diff_html

            out.insert(1, ("versions", "版本比较", diff_html(self.diffs)))
        return out

    def draw(self, figure_dir: Path) -> dict[str, bytes]:
        """Draw the progress figure (when there is progress): its SVG by name."""
        if self.progress is None:
            return {}
        from .figures import save_figure

        paths = save_figure(progress_figure(self.progress.tables["progress_units"]), figure_dir, PROGRESS_FIGURE)
        self.files += paths
        return {PROGRESS_FIGURE: next(p for p in paths if p.suffix == ".svg").read_bytes()}


def over_time_files(corpus: "Corpus", out_dir: str | Path) -> list[str]:
    """The paths (relative to the output folder) :func:`write_over_time`
    writes for this corpus and folder, figures included."""
    from ..analyse.diff import version_pairs

    files = ["targets.csv", LEDGER_NAME, "tables/targets.xlsx"]
    out = Path(out_dir)
    if (out / LEDGER_NAME).exists() and _unreadable(out / LEDGER_NAME):
        files[1] = _beside(out / LEDGER_NAME).name
    elif (out / LEDGER_NAME).exists() and any(r.status for r in read_ledger(out / LEDGER_NAME).rows):
        files += [f"figures/{PROGRESS_FIGURE}.{fmt}" for fmt in ("png", "svg", "pdf")]
    if version_pairs(corpus.plans):
        files += ["tables/diff.xlsx", "tables/diff.csv"]
    return files


def _unreadable(path: Path) -> bool:
    try:
        read_ledger(path)
        return False
    except LedgerError:
        return True


def _beside(path: Path) -> Path:
    return path.with_name(path.stem + "（新）" + path.suffix)


def write_over_time(corpus: "Corpus", out_dir: str | Path, today: _dt.date | None = None) -> OverTime:
    """Write the targets, the ledger and the version comparisons of a corpus
    into ``out_dir`` (see the module's docstring)."""
    from ..analyse.diff import diff_plans, version_pairs

    out = Path(out_dir)
    result = OverTime()
    result.targets = target_records(corpus.plans)
    result.files.append(atomic_write(out / "targets.csv", csv_bytes(result.targets, TARGET_COLUMNS)))
    result.comparison = target_comparison(result.targets)
    result.files.append(_write_targets_xlsx(result.targets, result.comparison, out / "tables" / "targets.xlsx"))

    ledger_path = out / LEDGER_NAME
    previous = None
    if ledger_path.exists():
        try:
            previous = read_ledger(ledger_path)
        except LedgerError as e:
            ledger_path = _beside(ledger_path)
            result.notes.append(f"{e}: it is left as it is; the new ledger is {ledger_path.name}")
            corpus.diagnostics.append(Diagnostic(str(out / LEDGER_NAME), f"{e}; left as it is, the new ledger is "
                                                 f"{ledger_path.name}", None, "warning", "ledger"))
    result.files.append(write_ledger(corpus.plans, ledger_path, previous))
    result.ledger_path = ledger_path
    if previous is not None and any(r.status for r in previous.rows):
        from ..progress import read_progress

        result.progress = read_progress(ledger_path, corpus.plans, today, corpus.units)

    pairs = version_pairs(corpus.plans)
    if pairs:
        from .versions import write_diff_csv, write_diff_xlsx

        result.diffs = [diff_plans(a, b, corpus.units) for a, b in pairs]
        result.files.append(write_diff_xlsx(result.diffs, out / "tables" / "diff.xlsx"))
        result.files.append(write_diff_csv(result.diffs, out / "tables" / "diff.csv"))
    return result


# ------------------------------------------------------------------ targets

def target_comparison(targets: Sequence[dict]) -> list[dict]:
    """Places compared on the indicators they share: one row per shared
    indicator (a key two places or more have), a column per place holding
    its target (value, unit, year; the goals section's where the plan has
    one there, else the task's; the latest year of it)."""
    per: dict[str, dict[str, dict]] = {}
    names: dict[str, str] = {}
    for t in targets:
        if not t["key"] or t["annual"]:
            continue
        names[t["key"]] = t["key_name"]
        place = t["place"] or t["doc"]
        best = per.setdefault(t["key"], {}).get(place)
        rank = (t["source"] == "goals", t["year"] or 0)
        if best is None or rank > (best["source"] == "goals", best["year"] or 0):
            per[t["key"]][place] = t
    places = sorted({p for by in per.values() for p in by})
    rows = []
    for key in sorted(per, key=lambda k: (-len(per[k]), k)):
        by = per[key]
        if len(by) < 2:
            continue
        row = {"key": key, "indicator": names[key]}
        for place in places:
            t = by.get(place)
            row[place] = "" if t is None else _target_text(t)
        rows.append(row)
    return rows


def _target_text(t: dict) -> str:
    words = _BOUNDS.get(t["bound"], "")
    value = f"{t['value']}" + (f"–{t['value_max']}" if t["value_max"] != "" else "")
    if t["bound"] == "about":
        words, value = "", f"{value}{t['unit']}左右"
        return f"{value}" + (f"（基数 {t['baseline']}）" if t["baseline"] != "" else "") + \
            (f"，{t['year']}年" if t["year"] != "" else "")
    base = f"（基数 {t['baseline']}）" if t["baseline"] != "" else ""
    year = f"，{t['year']}年" if t["year"] != "" else ""
    return f"{words}{value}{t['unit']}{base}{year}"


def _write_targets_xlsx(targets: Sequence[dict], comparison: Sequence[dict], path: Path) -> Path:
    from openpyxl.utils import get_column_letter

    s = _xl.styles()
    wb = _xl.workbook()
    sheets = [("指标目标", [c for c in TARGET_COLUMNS], targets), ("地区对比", None, comparison)]
    wb.remove(wb.active)
    for name, cols, rows in sheets:
        ws = wb.create_sheet(name)
        if cols is None:
            cols = list(rows[0]) if rows else ["key", "indicator"]
        headers = [TARGET_HEADERS.get(c, {"indicator": "统一指标"}.get(c, c)) if name == "指标目标"
                   else {"key": "指标标识", "indicator": "统一指标"}.get(c, c) for c in cols]
        _xl.header_row(ws, 1, headers, s)
        texts: list[list[str]] = [[] for _ in cols]
        for r, row in enumerate(rows, start=2):
            for c, col in enumerate(cols, start=1):
                v = row.get(col, "")
                if col == "source":
                    v = _SOURCES.get(v, v)
                elif col == "bound":
                    v = _BOUNDS.get(v, v)
                elif col == "annual":
                    v = "是" if v else ""
                elif col == "year_from":
                    v = {"text": "原文", "period": "实施期末"}.get(v, v)
                cell = _xl.put(ws, r, c, v)
                cell.font, cell.alignment = s["font"], s["wrap"]
                texts[c - 1].append(str(v))
        for c in range(1, len(cols) + 1):
            ws.column_dimensions[get_column_letter(c)].width = _xl.fit_width(headers[c - 1], texts[c - 1], 40)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
        _xl.print_setup(ws, 1)
    return atomic_write(path, _xl.xlsx_bytes(wb))


# ------------------------------------------------------------------ page

def _e(v: object) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def _table(rows: Sequence[dict], cols: Sequence[str], headers: dict) -> str:
    if not rows:
        return '<p class="none">（无）</p>'
    head = "".join(f"<th>{_e(headers.get(c, c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f'<td{_num(r.get(c))}>{_e(_cell(r.get(c)))}</td>' for c in cols) + "</tr>"
                   for r in rows)
    return (f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            "</table></div>")


def _num(v: object) -> str:
    return ' class="num"' if isinstance(v, (int, float)) and not isinstance(v, bool) else ""


def _cell(v: object) -> object:
    if isinstance(v, bool):
        return "是" if v else ""
    if isinstance(v, float):
        return f"{v:g}"
    return v


def _targets_html(o: OverTime) -> str:
    parts = ['<p class="note">各方案目标部分（工作目标、主要目标）和各项任务中写明的量化指标：指标、目标值、单位、比较词、'
             '目标年份和所属任务；相同含义的指标给出统一标识，便于地区间比较。全部见 targets.csv 和 tables/targets.xlsx。</p>']
    if o.comparison:
        places = [c for c in o.comparison[0] if c not in ("key", "indicator")]
        parts.append("<h3>地区对比（共有指标）</h3>")
        parts.append(_table(o.comparison, ["indicator", *places], {"indicator": "统一指标"}))
    goals = [{**t, "bound": _BOUNDS.get(t["bound"], t["bound"])} for t in o.targets if t["source"] == "goals"]
    parts.append(f"<h3>目标部分的指标（{len(goals)}）</h3>")
    parts.append(_table(goals, ["place", "indicator", "key_name", "comparator", "value", "unit", "baseline", "year"],
                        TARGET_HEADERS))
    tasks = [{**t, "bound": _BOUNDS.get(t["bound"], t["bound"])} for t in o.targets if t["source"] == "task"]
    parts.append(f"<details><summary>任务中的指标（{len(tasks)}）</summary>")
    parts.append(_table(tasks, ["place", "task_id", "lead", "indicator", "comparator", "value", "unit", "year"],
                        TARGET_HEADERS))
    parts.append("</details>")
    return "\n".join(parts)


def _progress_html(o: OverTime, embedded: dict[str, bytes]) -> str:
    from ..progress import HEADERS

    name = o.ledger_path.name if o.ledger_path else LEDGER_NAME
    link = f'<a href="{_e(name)}">{_e(name)}</a>'
    if o.progress is None:
        return (f'<p class="note">督办台账 {link} 列出全部任务及其截止日期（由完成时限推算），供督办部门填写责任人、进展情况、'
                "完成状态（未启动 / 推进中 / 已完成 / 滞后）和更新日期。台账尚未填写完成状态；填写后运行 "
                f"<code>taskgraph progress {_e(name)}</code> 或重新生成报告，即可按单位、按方案统计进展和逾期任务。"
                "重新生成时已填写的内容按任务编号保留。</p>")
    p = o.progress
    parts = [f'<p class="note">据 {link}（截至 {_e(p.today.isoformat())}）。逾期：截止日期已过、完成状态不是“已完成”；'
             "长期、定期任务不计逾期。</p>"]
    parts += [f'<p class="note">{_e(n)}</p>' for n in p.notes]
    svg = embedded.get(PROGRESS_FIGURE)
    if not svg:  # not drawn yet: the words it will show (the page's font is cut to them)
        parts.append('<p hidden>各牵头单位任务进展 任务数 逾期 已完成 推进中 未启动 滞后 未填报 其他状态 前 个单位，共 个</p>')
    if svg:
        data = base64.b64encode(svg).decode("ascii")
        size = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"', svg)
        width = f' style="width:{float(size.group(1)) * 2:.0f}px"' if size else ""
        parts.append(f'<figure><img src="data:image/svg+xml;base64,{data}" alt="各牵头单位任务进展"{width}>'
                     '<figcaption>各牵头单位任务进展 <span class=files><a href="figures/progress.png">PNG</a> · '
                     '<a href="figures/progress.svg">SVG</a> · <a href="figures/progress.pdf">PDF</a></span>'
                     "</figcaption></figure>")
    cols = ["tasks", "done", "in_progress", "not_started", "behind", "unreported", "overdue"]
    parts.append("<h3>按方案</h3>" + _table(p.tables["progress_plans"], ["plan", *cols], HEADERS))
    parts.append("<h3>按牵头单位</h3>" + _table(p.tables["progress_units"], ["place", "unit", *cols], HEADERS))
    parts.append(f"<h3>逾期任务（{len(p.tables['overdue'])}）</h3>"
                 + _table(p.tables["overdue"], ["doc", "task_id", "title", "lead", "deadline", "due", "status",
                                                "days_overdue"], HEADERS))
    return "\n".join(parts)


# ------------------------------------------------------------------ figure

def progress_figure(units: Sequence[dict], top: int = FIGURE_UNITS):
    """Stacked bars, one per lead unit: tasks done, in progress, not
    started, behind, not reported; the overdue ones counted at the bar's end."""
    from .figures import _new_figure, _short, _style
    from ..progress import HEADERS

    shown = list(units)[:top]
    n = len(shown)
    with _style():
        fig = _new_figure(7.5, 1.5 + 0.26 * max(n, 3))
        ax = fig.subplots()
        y = list(range(n))
        left = [0] * n
        for key, colour in _STATUS_COLOURS.items():
            values = [r[key] for r in shown]
            if any(values):
                ax.barh(y, values, left=left, color=colour, label=HEADERS[key], height=0.7,
                        edgecolor="#999999" if key == "unreported" else colour, linewidth=0.4)
                left = [a + b for a, b in zip(left, values)]
        for i, r in enumerate(shown):
            if r["overdue"]:
                ax.text(r["tasks"], i, f" 逾期 {r['overdue']}", va="center", fontsize=7, color="#D55E00")
        several = len({r["place"] for r in units}) > 1
        ax.set_yticks(y, [_short(f"{r['unit']}（{r['place']}）" if several and r["place"] else r["unit"], 36)
                          for r in shown])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel("任务数")
        if n:
            fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=6, fontsize=7, frameon=False)
        more = len(units) - n
        title = "各牵头单位任务进展" + (f"（前 {n} 个单位，共 {len(units)} 个）" if more > 0 else "")
        ax.set_title(title)
    return fig
