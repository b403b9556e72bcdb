"""Deadlines as written (完成时限) read into dates.

``2022年底`` is due on 2022-12-31, ``2023年6月底前`` on 2023-06-30,
``2024年上半年`` on 2024-06-30, ``2021-2025年`` at the end of 2025; a
deadline with no year (``年底前``, ``9月底``) in the year the plan was
issued; ``长期坚持`` and ``持续推进`` are open-ended and ``每年`` recurs: such
a task is never overdue. A task with no deadline is due at the end of its
plan's period (``2021—2024年`` → 2024-12-31). The words are data
(``data/deadlines.toml``).

Standard library only.

>>> read_deadline("2022年底").due, read_deadline("6月底前", year=2023).due, read_deadline("长期坚持").kind
(datetime.date(2022, 12, 31), datetime.date(2023, 6, 30), 'open')
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

try:  # Python >= 3.11
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as _toml  # type: ignore[no-redef]

__all__ = ["Deadline", "read_deadline", "task_deadline", "DATA_FILE", "parse_date"]

DATA_FILE = Path(__file__).with_name("data") / "deadlines.toml"

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~至到]+\s*((?:19|20)?\d{2})\s*年")
_MONTH = re.compile(r"(?<!\d)(\d{1,2}|[一二三四五六七八九十]|十[一二])\s*月\s*(?:(\d{1,2})\s*日|(上旬|中旬|下旬))?")
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}


@dataclass(frozen=True)
class Deadline:
    """A deadline read: ``kind`` is ``date`` (``due`` set), ``open``
    (open-ended: 长期坚持), ``recurring`` (每年), ``none`` (nothing written
    and no period to fall back on) or ``unread`` (written, but not as a
    date). ``source`` says where the date comes from: ``text`` (the task's
    deadline), ``issued`` (a deadline with no year, in the plan's year of
    issue), ``period`` (no deadline: the end of the plan's period)."""

    text: str
    kind: str
    due: _dt.date | None = None
    source: str = ""

    @property
    def label(self) -> str:
        """In Chinese, for people: the date, 长期, 每年 (recurring), 未写明."""
        if self.due is not None:
            return self.due.isoformat()
        return {"open": "长期（无截止日期）", "recurring": "定期（无截止日期）", "unread": "未能识别",
                "none": "未写明"}.get(self.kind, "")


@lru_cache(maxsize=1)
def _words() -> dict:
    data = _toml.loads(DATA_FILE.read_text(encoding="utf-8"))
    parts = sorted(data["parts"].items(), key=lambda kv: len(kv[0]), reverse=True)
    return {"open": data["open_ended"], "recurring": data["recurring"], "immediate": data["immediate"],
            "parts": parts}


def _month_end(year: int, month: int) -> _dt.date:
    return _dt.date(year, month, calendar.monthrange(year, month)[1])


def read_deadline(text: str, year: int | None = None, issued: _dt.date | None = None) -> Deadline:
    """The date a deadline as written is due.

    :param year: the year a deadline without one refers to (the plan's
        year of issue).
    :param issued: the plan's date of issue (for 立即).
    """
    t = (text or "").strip()
    if not t:
        return Deadline(t, "none")
    w = _words()
    if any(word in t for word in w["recurring"]):
        return Deadline(t, "recurring")
    r = _RANGE.search(t)
    years = [int(m.group(1)) for m in _YEAR.finditer(t)]
    if r:
        end = r.group(2)
        y = int(end) if len(end) == 4 else int(r.group(1)[:2] + end)
        years.append(y)
    y = max(years) if years else None
    source = "text" if y is not None else "issued"
    months = list(_MONTH.finditer(t))
    if months:
        m = months[-1]
        month = int(m.group(1)) if m.group(1).isdigit() else _CN_MONTHS.get(m.group(1), 0)
        yy = y if y is not None else year
        if 1 <= month <= 12 and yy is not None:
            if m.group(2) and m.group(2).isdigit():
                day = min(int(m.group(2)), calendar.monthrange(yy, month)[1])
                return Deadline(t, "date", _dt.date(yy, month, day), source)
            if m.group(3) in ("上旬", "中旬"):
                return Deadline(t, "date", _dt.date(yy, month, 10 if m.group(3) == "上旬" else 20), source)
            return Deadline(t, "date", _month_end(yy, month), source)
    for word, (month, day) in w["parts"]:
        if word in t:
            yy = y if y is not None else year
            if yy is not None:
                return Deadline(t, "date", _dt.date(yy, month, day), source)
    if any(word in t for word in w["open"]):
        return Deadline(t, "open")
    if any(word in t for word in w["immediate"]) and issued is not None:
        return Deadline(t, "date", issued, "issued")
    if y is not None:
        return Deadline(t, "date", _dt.date(y, 12, 31), "text")
    return Deadline(t, "unread")


def task_deadline(deadline: str, info) -> Deadline:
    """The deadline of a task of the plan ``info`` (a
    :class:`~taskgraph.model.DocumentInfo`): as written, with the plan's
    year of issue for a deadline with no year; none written, the end of the
    plan's period."""
    issued = parse_date(info.date) if getattr(info, "date", "") else None
    year = issued.year if issued else getattr(info, "period_start", None)
    d = read_deadline(deadline, year=year, issued=issued)
    if d.kind == "none" and getattr(info, "period_end", None):
        return Deadline("", "date", _dt.date(int(info.period_end), 12, 31), "period")
    return d


_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(value: object) -> _dt.date | None:
    """A date a person typed or a workbook holds: a ``date``/``datetime``,
    ``2022-03-01``, ``2022/3/1``, ``2022.3.1``, ``2022年3月1日``; None otherwise."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if value is None:
        return None
    m = _DATE.search(str(value))
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
