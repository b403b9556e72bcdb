"""Unit names as written → :class:`~taskgraph.model.Unit`.

Every unit named in a plan is kept as written, and also gets

* a **canonical id within its place** (``unit_id``), so that two spellings of
  one bureau are one unit: 市发改委 = 市发展改革委 = 市发展和改革委员会;
* a **function** shared across places, so that cities can be compared:
  区经信局 (宁波市镇海区) and 市工业和信息化局 (锦州市) are both
  ``工业和信息化``.

What is known about Chinese unit names lives in the data file
``taskgraph/data/units.toml`` (the *gazetteer*), not here; users can add or
override entries with files of the same format (``Gazetteer.load``). The
format is described at the top of that file. This module only knows the
shape of a name::

    [parent][place][level prefix]<function name>

e.g. 中共 | 锦州 | 市委 | 组织部, 国家税务总局 | 锦州 | 市 | 税务局, or
廊坊 | (no prefix) | 银保监分局. The function name is found as the longest
known ending of the name; what stands before it must read as a place and a
level prefix, else the name is *unknown* (it still gets an id and a
function, with ``known=False``). The document's own place is dropped from
the id (锦州市科技局 = 市科技局 in a 锦州市 plan); another place is kept
(义县人民政府, 北仑区科学技术局), so two counties stay two units.

Standard library only; the data file is parsed once per process.

>>> g = default_gazetteer()
>>> u = g.resolve("市发改委", place="锦州市", place_level="市")
>>> u.unit_id, u.function, u.level, u.known
('锦州市:市发展和改革委员会', '发展改革', '市', True)
>>> g.resolve("市发展改革委", "锦州市", "市").unit_id == u.unit_id
True
>>> g.resolve("区经信局", "宁波市镇海区", "区").function
'工业和信息化'
"""
from __future__ import annotations

__all__ = [
    "Gazetteer",
    "FunctionInfo",
    "default_gazetteer",
    "normalise_unit",
    "strip_unit",
    "squash",
    "DATA_FILE",
]

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from taskgraph.errors import UsageError
from taskgraph.model import Unit

try:  # Python >= 3.11
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    try:
        import tomli as _toml  # type: ignore[no-redef]
    except ModuleNotFoundError:
        _toml = None  # type: ignore[assignment]

DATA_FILE = Path(__file__).with_name("data") / "units.toml"
"""The bundled gazetteer."""

# ---------------------------------------------------------------------------
# Text helpers (punctuation of lists and brackets; no knowledge of units)

_OPEN = "(（[［【〔〈《"
_CLOSE = ")）]］】〕〉》"
_PAIR = dict(zip(_OPEN, _CLOSE))
_EDGE = " \t\r\n\u3000\u00a0、,，。.;；:：!！?？·•*-—_~\"'“”‘’「」『』…"
_WS = re.compile(r"\s+")
# a trailing 等 meaning "and others": 市科技局等, …等单位, …等有关部门.
# Not after 高/中/初/同/平/对/均, where 等 is part of a word (高等, 平等).
_TRAIL_ETC = re.compile(r"(?<=[^高中初同平对均])等(?:有关|相关|其他|其它|各)?(?:单位|部门|机构)?$")
_SQUASH = str.maketrans("", "", "()（）[]［］【】〔〕〈〉《》、,，;；/ \t\u3000")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_DIGIT = re.compile(r"[0-9０-９]")
_CLAUSE_PUNCT = set("、,，;；:：。!！?？“”\"‘’'…《》")


def _balance(s: str) -> int:
    """Depth after reading *s*; -1 as soon as a closing bracket is unmatched."""
    depth = 0
    for ch in s:
        if ch in _PAIR:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:
                return -1
    return depth


def _wrapped(s: str) -> bool:
    """True if the first bracket of *s* closes at its last character."""
    if len(s) < 2 or s[0] not in _PAIR or s[-1] not in _CLOSE:
        return False
    depth = 0
    for i, ch in enumerate(s):
        if ch in _PAIR:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return i == len(s) - 1
    return False


def strip_unit(text: str) -> str:
    """Clean one unit name: surrounding white space and stray punctuation,
    brackets wrapping the whole name or left unmatched, and a trailing
    "and others" 等 / 等单位 / 等部门 / 等有关部门. Parentheses that belong to
    the name are kept.

    >>> strip_unit(" 市科技局等单位。")
    '市科技局'
    >>> strip_unit("各县(市)区政府(管委会)")
    '各县(市)区政府(管委会)'
    >>> strip_unit("(市发展改革委")
    '市发展改革委'
    >>> strip_unit("【市财政局】")
    '市财政局'
    >>> strip_unit("各高等")  # 高等 is a word, not "and others"
    '各高等'
    """
    s = text
    while True:
        before = s
        s = s.strip(_EDGE)
        s = _TRAIL_ETC.sub("", s)
        s = _trim_brackets(s)
        if s == before:
            return s


def _trim_brackets(s: str) -> str:
    """``s`` without the brackets that wrap all of it and without unmatched
    brackets at its ends, in one pass over it (peeling them one at a time
    was quadratic in 200,000 nested brackets)."""
    if not s or (s[0] not in _PAIR and s[-1] not in _CLOSE):
        return s
    stack: list[int] = []
    match: dict[int, int] = {}
    unmatched_close: list[int] = []
    for i, ch in enumerate(s):
        if ch in _PAIR:
            stack.append(i)
        elif ch in _CLOSE:
            if stack:
                match[stack.pop()] = i
            else:
                unmatched_close.append(i)
    unmatched_open = set(stack)
    closes = set(unmatched_close)
    a, b = 0, len(s)
    while True:
        moved = False
        while b > a and s[b - 1] in _CLOSE and (b - 1) in closes:
            b -= 1  # a closing bracket left over at the end
            moved = True
        while a < b and s[a] in _PAIR and a in unmatched_open:
            a += 1  # an opening bracket that never closes, at the start
            moved = True
        while b - a >= 2 and match.get(a) == b - 1:
            a, b = a + 1, b - 1  # brackets wrapping the whole name
            moved = True
        if not moved:
            return s[a:b]


def squash(text: str) -> str:
    """The matching form of a name: no white space, brackets or list
    separators, so that 各县(市、区), 各县(市,区) and 各县市区 compare equal.

    >>> squash("各县(市、区) 政府")
    '各县市区政府'
    """
    return text.translate(_SQUASH)


def _compact(text: str) -> str:
    return _WS.sub("", strip_unit(text))


def _outer(s: str) -> str:
    """*s* without a trailing parenthetical: 市科技局(市知识产权局) → 市科技局."""
    if not s or s[-1] not in _CLOSE:
        return s
    depth = 0
    for i in range(len(s) - 1, -1, -1):
        ch = s[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _PAIR:
            depth -= 1
            if depth == 0:
                return s[:i]
    return s


def _outside_brackets(s: str) -> str:
    out, depth = [], 0
    for ch in s:
        if ch in _PAIR:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------------------
# The gazetteer


@dataclass(frozen=True)
class FunctionInfo:
    """One function of government, shared across places.

    ``key`` is the short stable key stored in :attr:`Unit.function`;
    ``label`` an English gloss for reports; ``name`` the canonical full name
    at local (市/区/县) level. ``collective`` marks units that stand for a
    group (各县(市)区政府); ``catchall`` marks vague ones (各有关部门) that
    analyses may want to lint.
    """

    key: str
    label: str
    name: str
    collective: bool = False
    catchall: bool = False


@dataclass(frozen=True)
class _Entry:
    info: FunctionInfo
    prefix: str = "level"  # level | party | joint | none
    level: str = ""  # default level of the unit when the name has no prefix
    bare_place: bool = False  # may follow a bare place name: 锦州银保监分局
    by_level: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def name_at(self, level: str, rank: Mapping[str, str]) -> str:
        names = self.by_level.get(level) or self.by_level.get(rank.get(level, ""))
        return names[0] if names else self.info.name


class _Hit(NamedTuple):
    entry: _Entry
    level: str  # level given by the prefix ("" if none)
    place: str  # place named before the prefix, as shown ("" if the document's own)
    bare: bool = False  # a place with no level prefix (廊坊银保监分局)


_ENTRY_FIELDS = {
    "key", "label", "name", "names", "patterns", "prefix", "level",
    "collective", "catchall", "bare_place", "extend",
}
_TOP_FIELDS = {
    "format", "prefixes", "parent_heads", "place_name_endings", "place_name_starts",
    "not_prefix_words", "not_place_words", "not_place_endings", "party_prefix", "government_prefix", "same_rank",
    "place_only", "collective", "unit_like", "function",
}
_LIST_TABLE_FIELDS = {
    "place_only": {
        "function": str, "tokens": list, "short_tokens": list, "unit_like_tokens": list,
        "zone_function": str, "zones": list, "standalone_zones": list,
    },
    "collective": {"prefixes": list, "suffixes": list, "catchall_words": list},
    "unit_like": {"max_length": int, "suffixes": list, "not_endings": list, "not_words": list},
}


class _Bad(Exception):
    """A problem in a data file (turned into UsageError naming the file)."""


def _read_toml(path: Path) -> dict[str, Any]:
    if _toml is None:  # pragma: no cover - Python 3.10 without tomli
        raise UsageError(
            f"{path}: reading unit files needs Python >= 3.11 or the 'tomli' package"
        )
    try:
        with open(path, "rb") as fh:
            return _toml.load(fh)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such unit file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read unit file ({e.strerror})") from None
    except _toml.TOMLDecodeError as e:
        hint = ""
        if "Invalid statement" in str(e) or "key" in str(e):
            hint = ' (keys in Chinese must be quoted: "省" = ["科学技术厅"])'
        raise UsageError(f"{path}: not valid TOML: {e}{hint}") from None


@lru_cache(maxsize=1)
def _bundled() -> dict[str, Any]:
    return _read_toml(DATA_FILE)


def _str_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _Bad(f"{what} must be a list of non-empty strings")
    return list(value)


def _merge(base: dict[str, Any], data: dict[str, Any], levels: set[str]) -> None:
    """Check *data* (one file) and merge it into *base* (raises _Bad)."""
    unknown = set(data) - _TOP_FIELDS
    if unknown:
        raise _Bad(f"unknown top-level key {sorted(unknown)[0]!r}")
    fmt = data.get("format", 1)
    if fmt != 1:
        raise _Bad(f"format {fmt!r} is not supported (expected 1)")
    for name in ("prefixes", "party_prefix", "government_prefix", "same_rank"):
        if name in data:
            table = data[name]
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in table.items()
            ):
                raise _Bad(f"[{name}] must map strings to strings")
            base.setdefault(name, {}).update(table)
            if name == "prefixes":
                levels.update(table.values())
    for name in ("parent_heads", "place_name_endings", "place_name_starts", "not_prefix_words",
                 "not_place_words", "not_place_endings"):
        if name in data:
            base.setdefault(name, []).extend(_str_list(data[name], name))
    for name, spec in _LIST_TABLE_FIELDS.items():
        if name not in data:
            continue
        table = data[name]
        if not isinstance(table, dict):
            raise _Bad(f"[{name}] must be a table")
        target = base.setdefault(name, {})
        for k, v in table.items():
            if k not in spec:
                raise _Bad(f"unknown key {k!r} in [{name}]")
            if spec[k] is list:
                target.setdefault(k, []).extend(_str_list(v, f"{name}.{k}"))
            elif not isinstance(v, spec[k]) or isinstance(v, bool):
                raise _Bad(f"{name}.{k} must be a {spec[k].__name__}")
            else:
                target[k] = v
    entries = data.get("function", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _Bad("'function' must be an array of tables ([[function]])")
    functions: dict[str, dict[str, Any]] = base.setdefault("function", {})
    seen: set[str] = set()
    for n, e in enumerate(entries, 1):
        key = e.get("key")
        where = f"[[function]] #{n}"
        if not isinstance(key, str) or not key.strip():
            raise _Bad(f"{where} has no 'key'")
        where = f"[[function]] {key!r}"
        if key in seen:
            raise _Bad(f"{where} is defined twice")
        seen.add(key)
        for k, v in e.items():
            if k in _ENTRY_FIELDS:
                continue
            if k not in levels:
                raise _Bad(f"{where}: unknown field {k!r} (not a field and not a level)")
            _str_list(v, f"{where}.{k}")
        for k in ("label", "name", "prefix", "level"):
            if k in e and not isinstance(e[k], str):
                raise _Bad(f"{where}: {k!r} must be a string")
        for k in ("collective", "catchall", "bare_place", "extend"):
            if k in e and not isinstance(e[k], bool):
                raise _Bad(f"{where}: {k!r} must be true or false")
        for k in ("names", "patterns"):
            if k in e:
                _str_list(e[k], f"{where}.{k}")
        if e.get("prefix", "level") not in ("level", "party", "joint", "none"):
            raise _Bad(f"{where}: prefix must be one of level, party, joint, none")
        if e.get("level") and e["level"] not in levels:
            raise _Bad(f"{where}: unknown level {e['level']!r}")
        for p in e.get("patterns", ()):
            try:
                re.compile(p)
            except re.error as err:
                raise _Bad(f"{where}: bad pattern {p!r}: {err}") from None
        if e.get("extend"):
            if key not in functions:
                raise _Bad(f"{where}: extend = true, but no such function to extend")
            old = functions[key]
            for k, v in e.items():
                if k in ("key", "extend"):
                    continue
                if isinstance(v, list):
                    old[k] = list(old.get(k, [])) + [x for x in v if x not in old.get(k, [])]
                else:
                    old[k] = v
        else:
            named = isinstance(e.get("name"), str) and (
                e["name"] or e.get("prefix") in ("party", "joint")  # 市委: the prefix alone
            )
            if not named:
                raise _Bad(f"{where} has no 'name'")
            functions.pop(key, None)  # a replaced entry moves to the end: it wins
            functions[key] = dict(e)


class Gazetteer:
    """Knowledge of unit names: aliases, level prefixes, collective patterns.

    Build it with :meth:`load` (bundled data plus user files) or take the
    shared :func:`default_gazetteer`. Lookup structures are built once;
    :meth:`resolve` results are cached.
    """

    def __init__(self, data: Mapping[str, Any], sources: tuple[str, ...] = ()):
        self.sources = sources
        self.prefixes: dict[str, str] = dict(data.get("prefixes", {}))
        self._max_token = max(map(len, self.prefixes), default=0)
        self._parents = tuple(sorted(data.get("parent_heads", []), key=len, reverse=True))
        self._name_endings = frozenset(data.get("place_name_endings", []))
        self._name_starts = frozenset(data.get("place_name_starts", []))
        self._not_prefix = tuple(data.get("not_prefix_words", []))
        self._not_place_words = tuple(data.get("not_place_words", []))
        self._not_place_endings = tuple(data.get("not_place_endings", []))
        self._party = dict(data.get("party_prefix", {}))
        self._gov = dict(data.get("government_prefix", {}))
        self._rank = dict(data.get("same_rank", {}))
        po = data.get("place_only", {})
        self._gov_fn = po.get("function", "")
        self._gov_tokens = frozenset(po.get("tokens", []))
        self._short_tokens = frozenset(po.get("short_tokens", []))
        self._like_tokens = frozenset(po.get("unit_like_tokens", []))
        self._zone_fn = po.get("zone_function", "")
        self._zones = tuple(sorted(set(po.get("zones", [])), key=len, reverse=True))
        self._standalone_zones = frozenset(po.get("standalone_zones", []))
        co = data.get("collective", {})
        self._coll_prefixes = tuple(co.get("prefixes", []))
        self._coll_suffixes = tuple(co.get("suffixes", []))
        self._catchall_words = tuple(co.get("catchall_words", []))
        ul = data.get("unit_like", {})
        self._max_len = int(ul.get("max_length", 25))
        self._suffixes = tuple(sorted(set(ul.get("suffixes", [])), key=len, reverse=True))
        self._not_endings = tuple(ul.get("not_endings", []))
        self._not_words = tuple(ul.get("not_words", []))

        self.functions: dict[str, FunctionInfo] = {}
        self._entries: dict[str, _Entry] = {}
        self._alias: dict[str, tuple[str, str]] = {}  # squashed name -> (key, level or "")
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for key, e in data.get("function", {}).items():
            info = FunctionInfo(
                key=key,
                label=e.get("label", key),
                name=e["name"],
                collective=e.get("collective", False),
                catchall=e.get("catchall", False),
            )
            by_level = {
                k: tuple(v) for k, v in e.items() if k not in _ENTRY_FIELDS and isinstance(v, list)
            }
            entry = _Entry(
                info=info,
                prefix=e.get("prefix", "level"),
                level=e.get("level", ""),
                bare_place=e.get("bare_place", False),
                by_level=by_level,
            )
            self.functions[key] = info
            self._entries[key] = entry
            for n in [e["name"], *e.get("names", [])]:
                if n:
                    self._alias[squash(n)] = (key, "")
            for level, names in by_level.items():
                for n in names:
                    self._alias[squash(n)] = (key, level)
            for p in e.get("patterns", []):
                self._patterns.append((re.compile(p), key))
        self._cached = lru_cache(maxsize=1 << 16)(self._resolve)
        self._cached_like = lru_cache(maxsize=1 << 14)(self._unit_like)

    # -- construction ------------------------------------------------------

    @classmethod
    def load(cls, extra: Iterable[str | Path] = ()) -> Gazetteer:
        """The bundled gazetteer plus user files in the same TOML format.

        A user file adds ``[[function]]`` entries, replaces an entry with the
        same ``key`` (or, with ``extend = true``, adds names to it), and adds
        to the tables (``[prefixes]``…). A later file wins over an earlier one.
        A malformed file raises :class:`~taskgraph.errors.UsageError` naming
        the file and the problem.
        """
        merged: dict[str, Any] = {}
        levels: set[str] = {"国家"}
        sources = [str(DATA_FILE)]
        try:
            _merge(merged, _bundled(), levels)
        except _Bad as e:  # pragma: no cover - guarded by the tests
            raise UsageError(f"{DATA_FILE}: {e}") from None
        for path in extra:
            path = Path(path)
            data = _read_toml(path)
            try:
                _merge(merged, data, levels)
            except _Bad as e:
                raise UsageError(f"{path}: {e}") from None
            sources.append(str(path))
        return cls(merged, tuple(sources))

    def __repr__(self) -> str:
        return f"<Gazetteer {len(self.functions)} functions, {len(self._alias)} names>"

    # -- public API ----------------------------------------------------------

    def resolve(self, name: str, place: str = "", place_level: str = "") -> Unit:
        """Normalise one unit name as written in a document issued by *place*
        (e.g. 锦州市, 宁波市镇海区) of level *place_level* (市, 区, 县, 省).

        >>> g = default_gazetteer()
        >>> g.resolve("市委组织部", "锦州市", "市")
        Unit(unit_id='锦州市:市委组织部', place='锦州市', name='市委组织部', function='组织部', level='市', known=True, collective=False, names=('市委组织部',))
        >>> g.resolve("科技局", "宁波市镇海区", "区").name  # no prefix: the document's level
        '区科学技术局'
        >>> u = g.resolve("各县(市)区政府(管委会)", "锦州市", "市")
        >>> u.function, u.collective
        ('县区政府', True)
        >>> u = g.resolve("市数字乡村促进会等", "锦州市", "市")
        >>> u.unit_id, u.function, u.known
        ('锦州市:市数字乡村促进会', '数字乡村促进会', False)
        """
        return self._cached(name, place, place_level)

    def is_unit_like(self, text: str) -> bool:
        """Whether a short string reads as a unit name (a known name, a
        collective, or a name ending in a unit suffix such as 局, 中心,
        管委会), and not as a phrase, deadline or person.

        >>> g = default_gazetteer()
        >>> [g.is_unit_like(t) for t in ("市科技局", "各镇(街道)", "锦州银保监分局", "渤海大学")]
        [True, True, True, True]
        >>> [g.is_unit_like(t) for t in ("按职责分工负责", "2022年底", "张某", "技术创新中心", "团队")]
        [False, False, False, False, False]
        """
        return self._cached_like(text)

    def is_catchall(self, unit: Unit | str) -> bool:
        """Whether a unit (or function key) is a vague catch-all such as
        各有关部门, which names no one in particular.

        >>> g = default_gazetteer()
        >>> g.is_catchall(g.resolve("各有关部门")), g.is_catchall(g.resolve("市科技局"))
        (True, False)
        """
        key = unit.function if isinstance(unit, Unit) else unit
        info = self.functions.get(key)
        if info is not None:
            return info.catchall
        return any(w in key for w in self._catchall_words)

    def label(self, function: str) -> str:
        """English gloss of a function key (the key itself if unknown).

        >>> default_gazetteer().label("发展改革")
        'development and reform'
        """
        info = self.functions.get(function)
        return info.label if info else function

    # -- parsing -------------------------------------------------------------

    def _placeish(self, s: str, after_token: bool) -> bool:
        """Could *s* be a place name (the part before a level prefix)?"""
        if not s or len(s) > 10 or not _CJK.fullmatch(s):
            return False
        if any(w in s for w in self._not_place_words):
            return False
        if not after_token and s[0] in self.prefixes:
            return False  # 市发改 is not a place
        return not s.endswith(self._not_place_endings)

    def _strip_parents(self, head: str) -> str:
        for p in self._parents:
            if head.startswith(p):
                return head[len(p):]
        return head

    def _token_suffix(self, head: str, place: str = "") -> tuple[str, str] | None:
        """Split *head* into (place, level prefix) at its longest prefix ending."""
        for k in range(min(len(head), self._max_token), 0, -1):
            t = head[-k:]
            if t in self.prefixes:
                rest = head[:-k]
                if t in self._name_endings and (
                    len(rest) == 1 or (rest and place and rest[-1] + t in place)
                ):
                    continue  # 锦州, 杭州: part of the place name
                return rest, t
        return None

    def _local(self, part: str, place: str) -> tuple[bool, str]:
        """(foreign?, part as shown) for the place part of a name read in a
        document of *place*: the document's own place (锦州 in 锦州市, 宁波 or
        镇海 in 宁波市镇海区) is dropped, 锦州高新 shows as 高新, 义 stays."""
        if not part or (place and part in place):
            return False, ""
        for k in range(len(part) - 1, 1, -1):
            if place and part[:k] in place:
                part = part[k:]
                if part in place:
                    return False, ""
                break
        # 市城乡一体化示范区: the leading 市 is the level, not part of the name
        for k in range(min(self._max_token, len(part) - 2), 0, -1):
            if part[:k] in self.prefixes and part[:k] not in self._name_starts:
                return True, part[k:]
        return True, part

    def _parse_head(self, head: str, place: str, entry: _Entry) -> _Hit | None:
        """Read what stands before a known name: [place][level prefix]."""
        head = self._strip_parents(head)
        if not head:
            return _Hit(entry, "", "")
        split = self._token_suffix(head, place)
        if split is not None:
            rest, token = split
            if rest == "" or self._placeish(rest, after_token=True):
                shown = self._local(rest, place)[1]
                return _Hit(entry, self.prefixes[token], shown)
        if self._placeish(head, after_token=False):
            foreign, shown = self._local(head, place)
            if entry.bare_place or not foreign:
                return _Hit(entry, "", shown, bare=True)
        return None

    def _match(self, s: str, place: str) -> tuple[_Hit, str] | None:
        """Find a known function for the compact name *s*: (hit, alias level)."""
        key = squash(s)
        for pat, fkey in self._patterns:
            if pat.fullmatch(key):
                return _Hit(self._entries[fkey], "", ""), ""
        # the longest known ending; what stands before it has no brackets
        # (王某(市科技局) is not 王某 + 市 + 科技局)
        for i in range(len(s)):
            hit = self._alias.get(key if i == 0 else squash(s[i:]))
            if hit is None:
                continue
            entry = self._entries[hit[0]]
            h = self._parse_head(s[:i], place, entry)
            if h is not None:
                return h, hit[1]
        return None

    def _place_name(self, s: str, place: str, like: bool = False) -> _Hit | None:
        """A bare place name stands for its government (义县, 九龙湖镇) or,
        for a zone (高新区, 松山新区), for its administration. With *like*,
        only the forms that cannot be ordinary words (城市, 社区, 新区)."""
        s = self._strip_parents(s)
        zone = next((z for z in self._zones if s.endswith(z)), None)
        if zone is not None and self._zone_fn in self._entries:
            if like and s == zone and zone not in self._standalone_zones:
                return None
            return self._parse_head(s, place, self._entries[self._zone_fn])
        entry = self._entries.get(self._gov_fn)
        split = self._token_suffix(s, place)
        if entry is None or split is None:
            return None
        rest, token = split
        tokens = self._like_tokens if like else self._gov_tokens
        if token not in tokens or not self._placeish(rest, after_token=False):
            return None
        if len(rest) == 1 and token not in self._short_tokens:
            return None  # 城市, 社区, 城镇 are words
        return _Hit(entry, self.prefixes[token], self._local(rest, place)[1])

    def _left_split(self, s: str, place: str) -> tuple[str, str, str]:
        """(place part, level prefix, rest) of an unknown name, from the left."""
        s2 = self._strip_parents(s)
        cands: list[tuple[int, str, str]] = []
        for p in range(0, min(len(s2), 11)):
            for k in range(min(self._max_token, len(s2) - p - 1), 0, -1):
                t = s2[p:p + k]
                if t not in self.prefixes:
                    continue
                placepart = s2[:p]
                if p and not self._placeish(placepart, after_token=True):
                    continue
                if t in self._name_endings and len(placepart) == 1:
                    continue
                if any(
                    s2.startswith(w, p) and len(w) > len(t) for w in self._not_prefix
                ):
                    continue
                cands.append((p, placepart, t))
                break
        if not cands:
            return "", "", s
        for p, placepart, t in cands:
            if placepart and placepart in place:
                return placepart, t, s2[p + len(t):]
        p, placepart, t = cands[0]
        if p == 0 and t in self._name_starts:
            for q, pp, tt in cands[1:]:
                if pp.startswith(t):
                    p, placepart, t = q, pp, tt
                    break
        return placepart, t, s2[p + len(t):]

    def _prefix(self, level: str, style: str) -> str:
        if not level or style == "none":
            return ""
        if style == "level":
            return level
        party = self._party.get(level, level + "委")
        if style == "party":
            return party
        return party + self._gov.get(level, level + "政府")  # joint

    def _collective_rule(self, s: str) -> bool:
        return s.startswith(self._coll_prefixes) or s.endswith(self._coll_suffixes)

    def _resolve(self, name: str, place: str, place_level: str) -> Unit:
        s = _compact(name)
        found = self._match(s, place) if s else None
        if found is None and s:
            outer = _outer(s)  # 市科技局(市知识产权局): the second brand in brackets
            if outer and outer != s:
                found = self._match(outer, place)
        if found is None and s:
            hit = self._place_name(s, place)
            if hit is not None:
                found = hit, ""
        if found is not None:
            hit, alias_level = found
            entry, info = hit.entry, hit.entry.info
            level = hit.level or alias_level or entry.level or place_level
            base = entry.name_at(level, self._rank)
            if entry.prefix == "none" or (level == "国家" and level in entry.by_level):
                pre = ""  # collectives; national names are complete (科学技术部)
            elif hit.bare and hit.place:
                pre = ""  # 廊坊 + 金融监管分局: the place stands for the level
            else:
                pre = self._prefix(level, entry.prefix)
            canonical = hit.place + pre + base
            return Unit(
                unit_id=f"{place}:{canonical}",
                place=place,
                name=canonical,
                function=info.key,
                level=level,
                known=True,
                collective=info.collective,
                names=(name,),
            )
        # unknown: the written name, minus the document's own place
        placepart, token, rest = self._left_split(s, place)
        level = self.prefixes.get(token, "") or place_level
        canonical = self._local(placepart, place)[1] + token + rest
        return Unit(
            unit_id=f"{place}:{canonical or s}",
            place=place,
            name=canonical or s,
            function=rest or s,
            level=level,
            known=False,
            collective=self._collective_rule(s) or self._collective_rule(rest),
            names=(name,),
        )

    def _unit_like(self, text: str) -> bool:
        s = strip_unit(text)
        parts = s.split()
        if len(parts) > 1:
            if sum(self._unit_like(p) for p in parts) >= 2:
                return False  # a list of units, not one
            s = "".join(parts)
        if len(s) < 2 or len(s) > self._max_len or _DIGIT.search(s):
            return False
        if any(ch in _CLAUSE_PUNCT for ch in _outside_brackets(s)):
            return False
        found = self._match(s, "")
        if found is not None and found[0].entry.info.collective:
            return True
        if any(w in s for w in self._not_words):
            return False
        if found is not None:
            return True
        outer = _outer(s)
        if outer != s and outer and self._match(outer, "") is not None:
            return True
        if self._place_name(s, "", like=True) is not None:
            return True
        tail = outer or s
        if any(tail.endswith(e) for e in self._not_endings):
            return False
        return any(tail.endswith(x) and len(tail) > len(x) for x in self._suffixes)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer, built once per process."""
    return Gazetteer.load()


def normalise_unit(
    name: str, place: str = "", place_level: str = "", gazetteer: Gazetteer | None = None
) -> Unit:
    """Resolve one unit name with *gazetteer* (default: the bundled one).

    >>> normalise_unit("区人力社保局", "宁波市镇海区", "区").function
    '人力资源社会保障'
    """
    return (gazetteer or default_gazetteer()).resolve(name, place, place_level)
