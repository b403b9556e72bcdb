"""Quantitative targets: every number a plan commits to, with its indicator.

A target is a number with a unit (``500家``, ``2.1%``, ``21亿元``) in the
plan's goals section (工作目标 / 主要目标, and its sub-items) or in a
task's text, read with the words around it::

    力争到2024年左右，……科技型中小企业达到500家，高新技术企业突破260家
        → indicator 科技型中小企业, comparator 达到 (reach), 500 家, 2024
        → indicator 高新技术企业,   comparator 突破 (more_than), 260 家, 2024

The indicator is the clause before the number; the comparator the word
between them (达到, 突破, 不低于, 控制在…) or after the number (以上, 左右);
``由905家增长到1500家`` gives the baseline 905; the year is the last one
written before the number in its sentence (到2025年), else in its paragraph,
else the end of the plan's period (``year_from`` says which). A sentence
that sets a policy (给予20万元奖补, 最高不超过500万元, 按75%加计扣除) holds no
target. An indicator that is the same measure in every place (R&D 经费投入
强度, 高新技术企业数量, 技术合同成交额…) gets a key shared across places.
All of these words live in ``data/indicators.toml``.

Standard library only.

>>> [ (t.indicator, t.comparator, t.value, t.unit, t.year) for t in targets_in_text("到2025年，高新技术企业由905家增长到1500家。")]
[('高新技术企业', '增长到', 1500.0, '家', 2025)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

try:  # Python >= 3.11
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as _toml  # type: ignore[no-redef]

if TYPE_CHECKING:  # pragma: no cover
    from .model import Assignment, Task
    from .parse import Outline

__all__ = ["Target", "Indicators", "indicators", "targets_in_text", "plan_targets", "TARGET_COLUMNS",
           "DATA_FILE", "target_records"]

DATA_FILE = Path(__file__).with_name("data") / "indicators.toml"

#: Columns of ``targets.csv``.
TARGET_COLUMNS = ["doc", "place", "source", "task_id", "lead", "indicator", "key", "key_name", "value",
                  "value_max", "unit", "comparator", "bound", "baseline", "year", "year_from", "annual",
                  "written", "sentence", "line"]


@dataclass(frozen=True)
class Target:
    """One quantitative target.

    ``source`` is ``goals`` (the goals section) or ``task``; ``task_id``
    the task it belongs to (empty for the goals section). ``value`` is the
    number in ``unit`` (``1万家`` is 10000 家; a range ``3-5项`` is 3, with
    ``value_max`` 5); ``written`` the number as written; ``comparator`` the
    word as written (both words where the plan writes two: ``达到…以上``) and
    ``bound`` what it means (reach, more_than, at_least,
    about, at_most, growth, decline, added; empty when the plan writes none).
    ``year_from`` is ``text`` when the year is written near the number,
    ``period`` when it is the end of the plan's period, empty when unknown.
    """

    indicator: str
    value: float
    unit: str
    written: str
    comparator: str = ""
    bound: str = ""
    value_max: float | None = None
    baseline: float | None = None
    year: int | None = None
    year_from: str = ""
    annual: bool = False
    key: str = ""
    key_name: str = ""
    sentence: str = ""
    source: str = ""
    task_id: str = ""
    line: int = 0


# ------------------------------------------------------------------ knowledge

@dataclass(frozen=True)
class Indicators:
    """The words of ``data/indicators.toml``, compiled."""

    value_re: re.Pattern[str]
    multipliers: dict[str, float]
    before: dict[str, str]
    before_re: re.Pattern[str]
    after: dict[str, str]
    after_re: re.Pattern[str]
    not_target_re: re.Pattern[str]
    goal_heading_re: re.Pattern[str]
    cue_re: re.Pattern[str]
    strip_re: re.Pattern[str]
    annual_re: re.Pattern[str]
    strip_end_re: re.Pattern[str]
    lead_in: frozenset[str]
    added_re: re.Pattern[str]
    keys: tuple[tuple[str, str, frozenset[str], re.Pattern[str], re.Pattern[str] | None], ...]

    def key_of(self, indicator: str, unit: str) -> tuple[str, str]:
        """``(key, name)`` of the shared measure an indicator is, or ``("", "")``."""
        for key, name, units, pattern, exclude in self.keys:
            if units and unit not in units:
                continue
            if pattern.search(indicator) and not (exclude and exclude.search(indicator)):
                return key, name
        return "", ""


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=4)
def indicators(path: str | None = None) -> Indicators:
    """The bundled indicator knowledge (or that of ``path``), read once."""
    data = _toml.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    unit, comp, sent = data["unit"], data["comparator"], data["sentence"]
    multipliers = {k: float(v) for k, v in unit["multipliers"].items()}
    number = r"\d+(?:\.\d+)?"
    value_re = re.compile(
        rf"(?<![\d.A-Za-z第])(?P<num>{number})(?:\s*[-—–~至到]\s*(?P<num2>{number}))?\s*"
        rf"(?:(?P<unit>{_alt(unit['compound'])})|(?P<mult>{_alt(multipliers)})?(?P<plain>{_alt(unit['plain'])}))"
    )
    keys = tuple((ind["key"], ind.get("name", ind["key"]), frozenset(ind.get("units", [])),
                  re.compile(ind["pattern"]), re.compile(ind["exclude"]) if ind.get("exclude") else None)
                 for ind in data.get("indicator", []))
    return Indicators(
        value_re=value_re, multipliers=multipliers,
        before=dict(comp["before"]), before_re=re.compile(f"(?:{_alt(comp['before'])})$"),
        after=dict(comp["after"]), after_re=re.compile(f"^(?:{_alt(comp['after'])})"),
        not_target_re=re.compile(_alt(sent["not_target"])),
        goal_heading_re=re.compile(_alt(sent["goal_headings"])),
        cue_re=re.compile(_alt(sent["cues"])),
        strip_re=re.compile(rf"^(?:(?:{_alt(sent['strip_prefix'])})|(?:(?:19|20)\d{{2}}\s*年(?:底|末)?(?:前)?)|[\s,，、:：])+"),
        annual_re=re.compile(_alt(sent["annual"])),
        strip_end_re=re.compile(rf"(?:{_alt(sent['strip_suffix'])})$"),
        lead_in=frozenset(sent["lead_in"]),
        added_re=re.compile(f"^(?:{_alt(w for w, b in comp['before'].items() if b == 'added')})"),
        keys=keys,
    )


# ------------------------------------------------------------------ reading

_SENTENCE = re.compile(r"[^。;；!?！？\n]+")
_CLAUSE_END = re.compile(r"[,，:：]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BASELINE = re.compile(r"由\s*$")
_FROM_TO = re.compile(r"^\s*(?:增长|提高|提升|增加|扩大|上升|发展)到")
_BRACKETS = re.compile(r"[()（）“”\"'《》]")


def targets_in_text(text: str, *, year: int | None = None, goals: bool = False, line: int = 0,
                    knowledge: Indicators | None = None) -> list[Target]:
    """Every target of a piece of text (a goals paragraph, a task's text).

    ``year`` is the year known before the text (the goals section's
    到2025年, the end of the plan's period: then ``year_from`` is ``period``
    unless ``year`` was read from text before); ``goals`` relaxes the need
    for a cue word (in the goals section every measured number is a target).
    """
    k = knowledge or indicators()
    out: list[Target] = []
    para_year = None
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group().strip()
        if not sentence:
            continue
        years = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(sentence)]
        values = list(k.value_re.finditer(sentence))
        if not values:
            if years:
                para_year = years[-1][1]
            continue
        if k.not_target_re.search(sentence):
            if years:
                para_year = years[-1][1]
            continue
        cued = goals or bool(years) or bool(k.cue_re.search(sentence))
        prev_end = 0
        baseline: float | None = None
        for m in values:
            if sentence[m.end():m.end() + 1] == "年" or (m.group("plain") == "万" and sentence[m.end():m.end() + 1] == "元"):
                continue
            num = float(m.group("num"))
            mult = k.multipliers.get(m.group("mult") or "", 1.0)
            unit = m.group("unit") or m.group("plain")
            value = num * mult
            before = sentence[:m.start()]
            if _BASELINE.search(before) and _FROM_TO.match(sentence[m.end():]):
                baseline = value
                prev_end = m.end()
                continue
            head = before[prev_end:]
            cut = max((x.end() for x in _CLAUSE_END.finditer(head)), default=0)
            clause = head[cut:].lstrip("、和及与 ")
            own = clause
            if baseline is not None:
                clause = re.sub(r"由\s*$", "", clause)
            comparator, bound = "", ""
            cm = k.before_re.search(clause.rstrip())
            if cm:
                comparator, bound = cm.group(), k.before[cm.group()]
                clause = clause.rstrip()[:cm.start()]
            if baseline is not None and prev_end:
                fm = _FROM_TO.match(sentence[prev_end:m.start()])
                if fm:
                    comparator, bound = fm.group().strip(), "reach"
                    clause = ""
            after = sentence[m.end():]
            am = k.after_re.match(after)
            if am:
                comparator = f"{comparator}…{am.group()}" if comparator else am.group()  # 达到…以上
                bound = bound if cm else k.after[am.group()]
                if cm and bound == "reach":  # 达到2.1%以上: at least
                    bound = k.after[am.group()]
            indicator = _indicator(clause, k)
            if not indicator or indicator in k.lead_in:
                # the indicator follows the number (为1000家科技型企业提供服务), or is
                # that of the target before (到2023年达到1300家，2025年达到1500家),
                # or the subject of the clause before (…新增科技领军企业，到2025年达到10家)
                rest = sentence[m.end() + (am.end() if am else 0):]
                following = re.split(r"[,，:：]", rest, maxsplit=1)[0].strip()
                if baseline is not None:
                    upto = before[:before.rfind("由")]
                    earlier = [c for c in _CLAUSE_END.split(upto) if _indicator(c, k)]
                    indicator = _indicator(earlier[-1], k) if earlier else ""
                elif following and not k.value_re.search(following):
                    indicator = _indicator(following, k)
                elif out and out[-1].sentence == sentence and prev_end:
                    indicator = out[-1].indicator
                else:
                    upto = before[:len(before) - len(head) + cut]
                    earlier = [c for c in _CLAUSE_END.split(upto) if _indicator(c, k)]
                    indicator = _indicator(earlier[-1], k) if earlier else ""
            if bound != "added":  # 新增科技型中小企业200家: an increment, whatever follows
                added = k.added_re.match(indicator)
                if added:
                    comparator, bound = added.group(), "added"
            if not (cued or comparator) or not indicator:
                prev_end = m.end()
                baseline = None
                continue
            y_here = [y for at, y in years if at < m.start()]
            if y_here:
                t_year, y_from = y_here[-1], "text"
            elif years:
                t_year, y_from = years[0][1], "text"  # 2025年达到1500家 after the number? (rare)
            elif para_year is not None:
                t_year, y_from = para_year, "text"
            elif year is not None:
                t_year, y_from = year, "period"
            else:
                t_year, y_from = None, ""
            num2 = m.group("num2")
            key, key_name = k.key_of(indicator + comparator, unit)
            out.append(Target(
                indicator=indicator, value=value, unit=unit, written=m.group().strip(), comparator=comparator,
                bound=bound, value_max=float(num2) * mult if num2 else None, baseline=baseline, year=t_year,
                year_from=y_from, annual=bool(k.annual_re.search(own)), key=key, key_name=key_name,
                sentence=sentence, line=line))
            prev_end = m.end() + (am.end() if am else 0)
            baseline = None
        if years:
            para_year = years[-1][1]
    return out


def _indicator(clause: str, k: Indicators) -> str:
    text = clause.strip()
    prev = None
    while prev != text:
        prev = text
        text = k.strip_re.sub("", text).strip()
        text = k.strip_end_re.sub("", text).strip()
    return text.strip(" ,，、:：")


# --------------------------------------------------------------------- plans

def plan_targets(outline: "Outline", tasks: Sequence["Task"], period_end: int | None = None,
                 knowledge: Indicators | None = None) -> list[Target]:
    """The targets of one plan: its goals sections (an outline item whose
    heading names goals, e.g. 二、主要目标, with the items under it), then
    every task's text. A goals section's year carries over its paragraphs
    (到2025年，…。 then 创新主体迅速壮大。…); a task's year is its own,
    else the end of the plan's period."""
    k = knowledge or indicators()
    out: list[Target] = []
    items = outline.items
    goal_paths: list[tuple[str, ...]] = []
    for item in items:
        inside = any(item.path[:len(p)] == p for p in goal_paths)
        heading_words = re.split(r"[。.:：]", item.heading, maxsplit=1)[0]
        if not inside and len(heading_words) <= 12 and k.goal_heading_re.search(heading_words):
            goal_paths.append(item.path)
            inside = True
        if not inside:
            continue
        year = period_end
        found_year = None
        for ln in [item.head_line, *item.lines]:
            got = targets_in_text(ln.text, year=found_year if found_year is not None else year, goals=True,
                                  line=ln.no, knowledge=k)
            if found_year is not None:
                got = [t if t.year_from != "period" else _with(t, year=found_year, year_from="text") for t in got]
            out += [_with(t, source="goals") for t in got]
            ys = _YEAR.findall(ln.text)
            if ys:
                found_year = int(ys[-1])
    for task in tasks:
        got = targets_in_text(task.text, year=period_end, line=task.line, knowledge=k)
        out += [_with(t, source="task", task_id=task.task_id) for t in got]
    return out


def _with(t: Target, **changes) -> Target:
    from dataclasses import replace

    return replace(t, **changes)


def target_records(plans: Iterable, leads: dict[tuple[str, str], list[str]] | None = None) -> list[dict]:
    """``targets.csv`` rows of plans (each plan's ``targets``), with the
    task's lead units (as written, 、-joined)."""
    rows = []
    for plan in plans:
        lead: dict[str, list[str]] = {}
        for a in sorted(plan.assignments, key=lambda a: (a.line, a.order)):
            if a.role == "lead" and a.unit not in lead.setdefault(a.task_id, []):
                lead[a.task_id].append(a.unit)
        for t in getattr(plan, "targets", ()):
            rows.append({
                "doc": plan.info.doc, "place": plan.info.place, "source": t.source, "task_id": t.task_id,
                "lead": "、".join(lead.get(t.task_id, [])), "indicator": t.indicator, "key": t.key,
                "key_name": t.key_name, "value": _num(t.value), "value_max": _num(t.value_max), "unit": t.unit,
                "comparator": t.comparator, "bound": t.bound, "baseline": _num(t.baseline),
                "year": t.year if t.year is not None else "", "year_from": t.year_from, "annual": t.annual,
                "written": t.written, "sentence": t.sentence, "line": t.line,
            })
    return rows


def _num(v: float | None) -> object:
    if v is None:
        return ""
    return int(v) if float(v).is_integer() else v
