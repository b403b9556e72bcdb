"""The words plans use around unit names, read from ``data/labels.toml``.

Labels (牵头单位, 主要责任单位, 分管市领导…), role verbs (牵头负责,
按职责分工负责…) and table headers are not listed whole: they are read as
sequences of *morphemes*, so that a label nobody listed (牵头负责部门,
配合/责任单位, 部门分工) is still read, and its kind (lead, support, bare,
person, deadline) is that of its strongest morpheme.

    >>> lex = lexicon()
    >>> [lex.label_kind(w) for w in ("牵头负责部门", "主要责任单位", "配合/责任单位", "分管市领导", "联 系 人", "完成时限")]
    ['lead', 'primary', 'support', 'person', 'person', 'deadline']
    >>> lex.label_kind("主要任务") is None
    True
    >>> lex.verb_suffix("市科技局牵头负责")
    ('lead', '牵头负责')
    >>> lex.verb_suffix("乙、丙按职责分工负责")
    ('duty', '按职责分工负责')
    >>> lex.verb_suffix("甲、乙分别负责")
    ('all_lead', '分别负责')

Standard library only; the file is read once per process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

try:  # Python >= 3.11
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as _toml  # type: ignore[no-redef]

__all__ = ["Lexicon", "lexicon", "DATA_FILE", "LABEL_KINDS"]

DATA_FILE = Path(__file__).with_name("data") / "labels.toml"
# strongest first: a label holding a person morpheme is a person label
LABEL_KINDS = ("person", "deadline", "lead", "primary", "support", "bare")
_MAX_LABEL = 12
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Lexicon:
    morphemes: dict[str, str]  # morpheme -> kind (LABEL_KINDS or "noun")
    not_labels: frozenset[str]
    verb_re: re.Pattern[str]  # (qualifiers)(verbs)$
    verb_kind: dict[str, str]  # verb morpheme -> lead | support | duty
    all_lead_qualifiers: tuple[str, ...]
    first_leads_re: re.Pattern[str]
    all_lead_re: re.Pattern[str]
    carry_re: re.Pattern[str]
    standing_re: re.Pattern[str]
    undivided_re: re.Pattern[str]
    any_note_re: re.Pattern[str]  # any of the notes above (a quick "no")
    note_openers: tuple[str, ...]
    deadline_re: re.Pattern[str]
    phrases: frozenset[str]
    task_verb_re: re.Pattern[str]  # a task's opening verb (加强, 推进…)
    header_words: dict[str, tuple[str, ...]]  # seq | text | group | other -> words
    max_morpheme: int

    # ------------------------------------------------------------ labels

    def _segment(self, word: str) -> list[str] | None:
        """``word`` cut into morphemes (longest first), or None."""
        n = len(word)
        best: list[list[str] | None] = [None] * (n + 1)
        best[n] = []
        for i in range(n - 1, -1, -1):
            for k in range(min(self.max_morpheme, n - i), 0, -1):
                piece = word[i:i + k]
                if piece in self.morphemes and best[i + k] is not None:
                    best[i] = [piece] + best[i + k]  # type: ignore[operator]
                    break
        return best[0]

    def label_kind(self, word: str) -> str | None:
        """The kind of a label word (see :data:`LABEL_KINDS`), or None when
        ``word`` is not a label."""
        return _label_kind(self, _SPACES.sub("", word))

    def label_before(self, text: str, end: int, start: int = 0) -> tuple[int, str] | None:
        """The label that ends at ``end`` in ``text`` (just before a colon):
        ``(label start, kind)``, the longest one, or None. Spaces between
        the label's characters are allowed (联 系 人)."""
        lo = max(start, end - 2 * _MAX_LABEL)
        window = text[lo:end]
        hit = _BEFORE_CACHE.get(window, _MISSING)
        if hit is _MISSING:
            hit = self._label_before(window, len(window), 0)
            if len(_BEFORE_CACHE) < 50_000:
                _BEFORE_CACHE[window] = hit
        if hit is None:
            return None
        return lo + hit[0], hit[1]  # type: ignore[index]

    def _label_before(self, text: str, end: int, start: int = 0) -> tuple[int, str] | None:
        chars: list[str] = []
        positions: list[int] = []
        i = end - 1
        while i >= start and len(chars) < _MAX_LABEL:
            ch = text[i]
            if ch in " \t":
                if chars and i > start and text[i - 1] in " \t":
                    break
                i -= 1
                continue
            chars.append(ch)
            positions.append(i)
            i -= 1
        found = None
        word = ""
        for n, (ch, pos) in enumerate(zip(chars, positions), 1):
            word = ch + word
            kind = _label_kind(self, word)
            if kind is None:
                continue
            # a space may only stand inside a morpheme (联 系 人), never
            # between two (…有关部门 联系人: the label is 联系人)
            spaced = [k for k in range(1, n) if positions[n - k - 1] != positions[n - k] + 1]
            if spaced:
                cuts, at = set(), 0
                for part in self._segment(word) or ():
                    at += len(part)
                    cuts.add(at)
                if any(k in cuts for k in spaced):
                    continue
            found = (pos, kind)
        return found

    # ------------------------------------------------------------- verbs

    def verb_suffix(self, token: str) -> tuple[str, str] | None:
        """``(role, verb)`` when ``token`` ends in a role verb: role is
        ``lead``, ``support``, ``all_lead`` (every unit listed leads) or
        ``duty`` (a verb that names no role: a bare list)."""
        m = self.verb_re.search(token)
        if not m or not m.group("verbs"):
            return None
        verb = m.group(0)
        kinds = [self.verb_kind[v] for v in _split_verbs(self, m.group("verbs"))]
        qualifiers = m.group("q") or ""
        if "lead" in kinds:
            role = "lead"
        elif "support" in kinds:
            role = "support"
        else:
            role = "duty"
        if role != "support" and any(q in qualifiers for q in self.all_lead_qualifiers):
            role = "all_lead"
        return role, verb

    # ------------------------------------------------------------ others

    def is_deadline(self, token: str) -> bool:
        return bool(self.deadline_re.search(token))


def _split_verbs(lex: Lexicon, verbs: str) -> list[str]:
    out, i = [], 0
    keys = sorted(lex.verb_kind, key=len, reverse=True)
    while i < len(verbs):
        for k in keys:
            if verbs.startswith(k, i):
                out.append(k)
                i += len(k)
                break
        else:  # pragma: no cover - the regex only matches verb morphemes
            i += 1
    return out


def _label_kind(lex: Lexicon, word: str) -> str | None:
    if not (2 <= len(word) <= _MAX_LABEL) or word in lex.not_labels:
        return None
    cached = _KIND_CACHE.get(word, _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[return-value]
    parts = lex._segment(word)
    kind = None
    if parts:
        kinds = {lex.morphemes[p] for p in parts}
        for k in LABEL_KINDS:
            if k in kinds:
                kind = k
                break
        if parts[0] in ("及", "和", "与", "/", "、", ")") or parts[-1] in ("及", "和", "与", "/", "、", "("):
            kind = None
    if len(_KIND_CACHE) < 100_000:
        _KIND_CACHE[word] = kind
    return kind


_MISSING = object()
_KIND_CACHE: dict[str, str | None] = {}
_BEFORE_CACHE: dict[str, object] = {}


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _any(patterns) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else re.compile(r"(?!x)x")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon, read once per process."""
    data = _toml.loads(DATA_FILE.read_text(encoding="utf-8"))
    morphemes: dict[str, str] = {}
    for kind in ("noun",) + tuple(reversed(LABEL_KINDS)):  # stronger kinds win a shared word
        for w in data["label"].get(kind, []):
            morphemes[w] = kind
    verb = data["verb"]
    verb_kind = {w: k for k in ("duty", "support", "lead") for w in verb[k]}
    verb_re = re.compile(
        rf"(?P<q>(?:{_alt(verb['qualifiers'])})*)(?P<verbs>(?:{_alt(verb_kind)})+)$"
    )
    note = data["note"]
    return Lexicon(
        morphemes=morphemes,
        not_labels=frozenset(data["label"].get("not_labels", [])),
        verb_re=verb_re,
        verb_kind=verb_kind,
        all_lead_qualifiers=tuple(verb.get("all_lead", [])),
        first_leads_re=_any(note["first_leads"]),
        all_lead_re=_any(note["all_lead"]),
        carry_re=_any(note["carry"]),
        standing_re=_any(note["standing"]),
        undivided_re=_any(note["undivided"]),
        any_note_re=_any(note["standing"] + note["first_leads"] + note["all_lead"] + note["undivided"] + note["carry"]),
        note_openers=tuple(sorted(note["note_openers"], key=len, reverse=True)),
        deadline_re=_any(data["deadline"]["patterns"]),
        phrases=frozenset(data["phrase"]["words"]),
        task_verb_re=re.compile(f"^(?:{_alt(data['phrase']['task_verbs'])})"),
        header_words={k: tuple(v) for k, v in data["header"].items()},
        max_morpheme=max(len(w) for w in morphemes),
    )
