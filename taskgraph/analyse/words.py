"""Characteristic words of a group of tasks, as whole words.

Task texts are cut into words by a Chinese word segmenter (``rjieba``, the
Rust port of jieba's dictionary and HMM; imported on first use, so the
command line does not pay for it at start-up). What a group of units works
on is then told by the words its tasks use more than the other tasks of the
same place, scored by the weighted log-odds ratio with an informative
Dirichlet prior of Monroe, Colaresi and Quinn (Political Analysis 16, 372,
2008): a word's log-odds in the group minus its log-odds in the rest, the
prior being the word's frequency over all the place's tasks, divided by
its standard error. A word used by every group scores near zero; a word of
a few tasks, all in the group, scores high; a word seen once is not
trusted much (the prior pulls it back). Counts are of tasks (a word
repeated in one task counts once), so one long task cannot decide.

Words of one character, numbers, punctuation and the connective words of
plans (``data/words.toml``: 加快, 推进, 支持…) are left out. Without the
segmenter installed, :func:`segmenter_available` is false and the clusters
fall back to character n-grams (see :mod:`taskgraph.analyse.clusters`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np
from scipy import sparse

try:  # Python >= 3.11
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as _toml  # type: ignore[no-redef]

__all__ = ["segment", "segmenter_available", "characteristic_words", "stopwords", "PRIOR"]

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "words.toml"
#: Weight of the prior (in tasks): how many tasks' worth of the place's own
#: word frequencies each group's counts are shrunk towards.
PRIOR = 10.0
_WORD = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9]*$")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The words of ``data/words.toml`` that never characterise a group."""
    with open(DATA_FILE, "rb") as fh:
        return frozenset(_toml.load(fh).get("stopwords", ()))


@lru_cache(maxsize=1)
def _jieba():
    try:
        import rjieba
    except ImportError:
        return None
    with open(DATA_FILE, "rb") as fh:
        for word in _toml.load(fh).get("words", ()):
            rjieba.add_word(word, None, None)
    return rjieba


def segmenter_available() -> bool:
    """Whether the word segmenter (``rjieba``) can be imported."""
    return _jieba() is not None


def segment(text: str) -> list[str]:
    """The words of ``text`` that may characterise a group: Chinese words
    of two characters or more, not in :func:`stopwords`, in text order.

    >>> segment("加快高新技术企业培育，完善创新平台布局")  # doctest: +SKIP
    ['高新技术', '企业', '培育', '创新', '平台', '布局']
    """
    jb = _jieba()
    if jb is None:
        raise ImportError("no word segmenter: pip install rjieba")
    stop = stopwords()
    return [w for w in jb.cut(text) if len(w) >= 2 and w not in stop and _WORD.match(w)]


def _word_matrix(texts: list[str], exclude: str = "") -> tuple[sparse.csr_matrix, list[str]]:
    """Which words each text uses: a texts × words 0/1 matrix, and its
    vocabulary: the words :func:`segment` keeps (and not inside
    ``exclude``), in the order first met. The texts are cut one by one;
    what is kept is decided once per distinct word, not once per
    occurrence, and the (text, word) pairs made distinct with numpy."""
    import pandas as pd

    jb = _jieba()
    if jb is None:
        raise ImportError("no word segmenter: pip install rjieba")
    tokens = [jb.cut(t) for t in texts]
    flat = list(chain.from_iterable(tokens))
    if not flat:
        return sparse.csr_matrix((len(texts), 0)), []
    codes, uniq = pd.factorize(np.array(flat, dtype=object))
    kept = np.flatnonzero(_kept(uniq, exclude))
    n = len(kept)
    column = np.full(len(uniq), -1, dtype=np.int64)  # distinct token -> its column, -1 dropped
    column[kept] = np.arange(n)
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), [len(ws) for ws in tokens])
    cols = column[codes]
    ok = cols >= 0
    key = np.sort(rows[ok] * max(n, 1) + cols[ok])
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key  # a word repeated in a text counts once
    X = sparse.csr_matrix((np.ones(len(key)), (key // max(n, 1), key % max(n, 1))), shape=(len(texts), n))
    return X, uniq[kept].tolist()


def _kept(words: np.ndarray, exclude: str = "") -> np.ndarray:
    """Which of the distinct tokens ``words`` :func:`segment` keeps, and
    are not inside ``exclude``: :data:`_WORD` (a Han character, then Han
    characters, ASCII letters or digits; the segmenter never leaves a
    newline in a word) checked on the code points of all the tokens at once,
    the stop words and the substrings of ``exclude`` by one look-up.

    >>> _kept(np.array(["创新", "创", "的2", "2创新", "锦州", "推进", "ab"], dtype=object), "锦州市").tolist()
    [True, False, True, False, False, False, False]
    """
    import pandas as pd

    if not len(words):
        return np.zeros(0, dtype=bool)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    cp = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    han = (cp >= 0x4E00) & (cp <= 0x9FFF)
    good = han | ((cp >= 0x30) & (cp <= 0x39)) | ((cp >= 0x41) & (cp <= 0x5A)) | ((cp >= 0x61) & (cp <= 0x7A))
    starts = np.cumsum(lengths) - lengths
    ok = lengths >= 2
    at = np.minimum(starts, max(len(cp) - 1, 0))
    ok &= han[at] if len(cp) else False
    bad_chars = np.cumsum(np.r_[0, ~good])  # bad characters before each position
    ok &= (bad_chars[starts + lengths] - bad_chars[starts]) == 0
    banned = set(stopwords()) | {exclude[i:j] for i in range(len(exclude)) for j in range(i + 1, len(exclude) + 1)}
    ok &= ~pd.Index(words).isin(list(banned))
    return ok


def characteristic_words(texts: list[str], groups: list[list[int]], k: int, min_tasks: int = 2,
                         exclude: str = "") -> list[list[str]]:
    """For each group of texts (indices into ``texts``: one place's tasks),
    the ``k`` words most particular to it against the other texts.

    Score: Monroe et al.'s z-scored log-odds (see the module), the group
    against every text not in it, with the prior ``PRIOR × f_w`` (``f_w``:
    the share of texts using the word). Only words in ``min_tasks`` of the
    group's texts (all of them in a group of one) and with a positive score
    are kept; ties by the larger count, then the word. A word inside
    ``exclude`` (the place's name: 锦州 in 锦州市) is left out: it tells
    where, not what.
    """
    X, vocab = _word_matrix(texts, exclude)
    if not vocab or not groups:
        return [[] for _ in groups]
    total = np.asarray(X.sum(axis=0)).ravel()
    alpha = PRIOR * total / len(texts)  # the word's tasks in PRIOR tasks of the place
    a0 = PRIOR * total.sum() / len(texts)  # alpha's sum, whatever the order of the columns
    words_vocab = np.array(vocab, dtype=object)
    out = []
    for g in groups:
        g = sorted(set(g))
        if not g:
            out.append([])
            continue
        y_in = np.asarray(X[g].sum(axis=0)).ravel()
        y_out = total - y_in
        n_in, n_out = y_in.sum(), y_out.sum()
        with np.errstate(divide="ignore", invalid="ignore"):  # a vocabulary of one word: no odds to compare
            delta = (np.log((y_in + alpha) / (n_in + a0 - y_in - alpha))
                     - np.log((y_out + alpha) / (n_out + a0 - y_out - alpha)))
            z = np.round(delta / np.sqrt(1.0 / (y_in + alpha) + 1.0 / (y_out + alpha)), 9)
        z = np.where(np.isfinite(z), z, 0.0)
        keep = np.flatnonzero((y_in >= min(min_tasks, len(g))) & (z > 0))
        keep = keep[np.lexsort((words_vocab[keep], -y_in[keep], -z[keep]))]
        out.append([vocab[i] for i in keep[:k]])
    return out
