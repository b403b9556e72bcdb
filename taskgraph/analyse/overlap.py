"""Overlap between places: what their plans share and where they differ.

Three views: which functions each place puts to work (a function × place
matrix), how alike places are (on functions, on load profiles, on the text
of their tasks), and which tasks of different places pursue the same thing —
with who leads each, since the telling rows are *same task, different lead
function*.

Text is compared on character n-grams (Chinese is written without spaces,
and a word segmenter would be one more dependency and one more source of
error): every run of Han characters or Latin letters yields its bigrams and
trigrams, digits and punctuation break runs. The n-gram counting is done
with numpy over the whole corpus at once, and the matching with sparse
matrices, so 100,000 tasks are compared without a Python loop over pairs.

Matching compares every pair of tasks (one sparse product, in blocks) when
that costs at most :data:`BUDGET` products per task: the seeds, and any
corpus of a few thousand tasks. Above it, all pairs would be too many, so
each task is compared with a few *candidates*, found through the n-grams that
weigh most in it (:func:`candidate_pairs`), and every candidate pair is then
scored again with the full TF-IDF vectors: similarities and the threshold
are exact for the pairs found; a pair can only be missed, never misjudged.
``benchmarks/bench.py`` measures how many are missed (the recall of the
candidate step) against a brute-force computation on a sample.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..graph import graph_frames
from ._pool import MIN_WORK, fork_ahead, fork_map, fork_workers
from .load import LEAD_WEIGHT, SUPPORT_WEIGHT

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["overlap_tables", "function_matrix", "place_similarity", "matching_tasks", "char_ngrams", "decode", "tfidf",
           "task_vectors", "comparison_work", "match_pairs", "candidate_pairs", "pair_similarity", "THRESHOLD", "TOP_K", "BUDGET",
           "HEAVY_NGRAMS", "CANDIDATES"]

#: Cosine similarity from which two tasks count as pursuing the same thing.
THRESHOLD = 0.15
#: Matches kept per task (its nearest tasks in other places).
TOP_K = 5
#: Products per task up to which every pair of tasks is compared (see :func:`comparison_work`).
BUDGET = 2000
#: Above the budget: the n-grams of a task, its heaviest, through which it finds candidates.
HEAVY_NGRAMS = 20
#: Above the budget: candidates per task, scored exactly (a pair is a candidate of either task).
CANDIDATES = 12

#: Bits per character in an n-gram code: every kept character is in the BMP, so four fit in 64 bits.
CHAR_BITS = 16


# ----------------------------------------------------------------- n-grams
#: Texts counted at a time, by :func:`char_ngrams` and :func:`task_vectors` alike.
_CHUNK = 10_000


def char_ngrams(texts: Sequence[str], sizes: Sequence[int] = (2, 3),
                chunk: int = _CHUNK) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count the character n-grams of each text.

    Parameters
    ----------
    texts : sequence of str
    sizes : sequence of int
        n-gram lengths, each 1 to 4.
    chunk : int
        Texts counted at a time (memory is bounded by the block, not the
        corpus).

    Returns
    -------
    counts : scipy.sparse.csr_matrix
        ``len(texts)`` × vocabulary, integer counts.
    vocab : numpy.ndarray of uint64
        The n-gram codes, sorted; :func:`decode` turns one back into text.

    Notes
    -----
    Only Han characters (CJK unified ideographs and extension A) and Latin
    letters (lower-cased) form n-grams; anything else ends a run, so no
    n-gram spans punctuation, digits or two texts.

    >>> counts, vocab = char_ngrams(["科技创新", "创新"], sizes=(2,))
    >>> [decode(v) for v in vocab]
    ['创新', '技创', '科技']
    >>> counts.toarray().tolist()
    [[1, 1, 1], [1, 0, 0]]
    """
    for n in sizes:
        if not 1 <= n <= 4:
            raise ValueError("n-gram sizes must be 1 to 4")
    texts = list(texts)
    # count block by block (bounded memory), then map every block onto one vocabulary
    spans = [(lo, lo + chunk) for lo in range(0, len(texts), chunk)]
    _shared.update(texts=texts, sizes=tuple(sizes))
    try:  # blocks are independent: in forked processes (which share the texts) for a large corpus
        blocks = fork_map(_ngram_span, spans, workers=None if len(texts) >= MIN_WORK else 1)
    finally:
        _shared.pop("texts", None)
        _shared.pop("sizes", None)
    vocab = np.sort(np.concatenate([v for _, v in blocks])) if blocks else np.zeros(0, dtype=np.uint64)
    vocab = vocab[np.r_[True, vocab[1:] != vocab[:-1]]] if len(vocab) else vocab  # sorted unique
    parts = [sparse.csr_matrix((m.data, np.searchsorted(vocab, v)[m.indices], m.indptr),
                               shape=(m.shape[0], len(vocab))) for m, v in blocks]
    counts = sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, 0), dtype=np.int32)
    counts.sort_indices()
    return counts, vocab


def _ngram_span(span: tuple[int, int]) -> tuple[sparse.csr_matrix, np.ndarray]:
    lo, hi = span
    return _ngram_block(_shared["texts"][lo:hi], _shared["sizes"])


def _ngram_block(texts: list[str], sizes: Sequence[int]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Counts of one block of texts over the block's own vocabulary."""
    joined = "".join(t.replace("\n", " ").lower() + "\n" for t in texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    sep = cp == 10
    doc = (np.cumsum(sep, dtype=np.int32) - sep).astype(np.int32)  # text of each position (a separator: the one before)
    keep = ((cp >= 0x4E00) & (cp <= 0x9FFF)) | ((cp >= 0x3400) & (cp <= 0x4DBF)) | ((cp >= 97) & (cp <= 122))

    def ngrams(n: int) -> tuple[np.ndarray, np.ndarray]:
        m = len(cp) - n + 1
        if m <= 0:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
        ok = keep[:m].copy()
        code = cp[:m].copy()
        for k in range(1, n):
            ok &= keep[k:k + m]
            code = (code << np.uint64(CHAR_BITS)) | cp[k:k + m]
        return code[ok], doc[:m][ok]

    # n-grams short enough to carry their text's number in the same 64 bits are
    # counted by sorting those numbers (a plain sort is several times faster than
    # an argsort); the others by an argsort of their codes
    row_bits = max(1, (len(texts) - 1).bit_length())
    packed = sorted(n for n in sizes if n * CHAR_BITS + row_bits <= 64)
    rest = sorted(n for n in sizes if n not in packed)
    parts = [_count_packed([ngrams(n) for n in packed], row_bits, len(texts))] if packed else []
    if rest:
        parts.append(_count_sorted([ngrams(n) for n in rest], len(texts)))
    if not parts:
        return sparse.csr_matrix((len(texts), 0), dtype=np.int32), np.zeros(0, dtype=np.uint64)
    # codes grow with n (the first character is never 0), so the vocabularies follow each other in order
    return sparse.hstack([c for c, _ in parts], format="csr"), np.concatenate([v for _, v in parts])


def _count_packed(grams: list[tuple[np.ndarray, np.ndarray]], row_bits: int,
                  n_texts: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Counts from (code, text) pairs packed as ``code << row_bits | text`` and sorted."""
    shift = np.uint64(row_bits)
    key = np.sort(np.concatenate([(code << shift) | row.astype(np.uint64) for code, row in grams]))
    if not len(key):
        return sparse.csr_matrix((n_texts, 0), dtype=np.int32), np.zeros(0, dtype=np.uint64)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])  # one entry per n-gram and text
    count = np.diff(np.r_[starts, len(key)]).astype(np.int32)
    key = key[starts]
    code, row = key >> shift, (key & ((np.uint64(1) << shift) - np.uint64(1))).astype(np.int32)
    new = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])  # entries are sorted by n-gram, then text
    counts = sparse.csc_matrix((count, row, np.r_[new, len(code)]), shape=(n_texts, len(new)))
    return counts.tocsr(), code[new]


def _count_sorted(grams: list[tuple[np.ndarray, np.ndarray]], n_texts: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Counts from (code, text) pairs through an argsort of the codes."""
    code = np.concatenate([c for c, _ in grams])
    row = np.concatenate([r for _, r in grams])
    order = np.argsort(code)  # equal codes are the same n-gram: no need for a stable sort
    ordered = code[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(code) else np.zeros(0, dtype=bool)
    vocab = ordered[first]
    col = np.empty(len(code), dtype=np.int64)
    col[order] = np.cumsum(first) - 1  # index of each n-gram in the sorted vocabulary
    counts = sparse.coo_matrix((np.ones(len(row), dtype=np.int32), (row, col)),
                               shape=(n_texts, len(vocab))).tocsr()  # sums repeated n-grams
    return counts, vocab


def _unique(a: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a 1-D array, as ``np.unique(a)``, by a
    sort: numpy 2's ``np.unique`` hashes, which on millions of int64 keys
    (the candidate pairs) is some fifty times slower than sorting them."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def decode(code: int) -> str:
    """The text of an n-gram code from :func:`char_ngrams`."""
    code = int(code)
    chars = []
    while code:
        chars.append(chr(code & ((1 << CHAR_BITS) - 1)))
        code >>= CHAR_BITS
    return "".join(reversed(chars))


def tfidf(counts: sparse.csr_matrix, max_df: int | None = None) -> sparse.csr_matrix:
    """Rows of sublinear TF-IDF, each scaled to unit length.

    ``tf = 1 + log(count)`` (a phrase repeated in a long task does not
    swamp it); ``idf = 1 + log((1 + N) / (1 + df))`` (smoothed, as in
    scikit-learn), so an n-gram found in every task weighs little. N-grams
    found in more than ``max_df`` rows are dropped (None keeps all).
    """
    X = counts.astype(np.float64).tocsr()  # (astype copies)
    np.log(X.data, out=X.data)
    X.data += 1.0
    df = np.bincount(X.indices, minlength=X.shape[1])
    idf = 1.0 + np.log((1.0 + X.shape[0]) / (1.0 + df))
    if max_df is not None:
        idf[df > max_df] = 0.0
    for a, b in _spans(len(X.data)):  # (in pieces: one small buffer, not a temporary the size of the matrix)
        X.data[a:b] *= idf[X.indices[a:b]]
    if max_df is not None:
        X.eliminate_zeros()  # (otherwise every weight is at least 1)
    return _unit_rows(X)


def _unit_rows(X: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row of ``X`` (in place) to unit length; empty rows stay empty.

    Rows are taken a few at a time (about :data:`_PIECE` entries): the same
    sums in the same order as over the whole matrix at once, but the
    temporaries are small buffers the allocator reuses, not arrays the size
    of the matrix mapped and faulted in afresh each time (at 100,000 tasks
    the page faults of those cost more than the arithmetic)."""
    _scale_rows(X.indptr, X.data)
    return X


def _scale_rows(ptr: np.ndarray, data: np.ndarray) -> None:
    """:func:`_unit_rows` on a CSR matrix's row pointers and data (in place)."""
    for lo, hi in _row_spans(ptr):
        lengths = np.diff(ptr[lo:hi + 1])
        d = data[ptr[lo]:ptr[hi]]
        norms = np.sqrt(np.bincount(np.repeat(np.arange(hi - lo), lengths), weights=d * d, minlength=hi - lo))
        norms[norms == 0] = 1.0
        d /= np.repeat(norms, lengths)


#: Entries of a sparse matrix's data handled at a time by the elementwise
#: steps (8 MB of float64: temporaries the allocator keeps and reuses).
_PIECE = 1 << 20


def _spans(n: int, piece: int = _PIECE) -> list[tuple[int, int]]:
    """``[lo, hi)`` ranges of at most ``piece`` covering ``range(n)``."""
    return [(lo, min(lo + piece, n)) for lo in range(0, n, piece)]


def _row_spans(ptr: np.ndarray, piece: int = _PIECE) -> list[tuple[int, int]]:
    """Ranges of whole rows of a CSR matrix (``indptr``), each of about
    ``piece`` entries (more for a longer row); none for no rows."""
    n = len(ptr) - 1
    if n <= 0:
        return []
    cuts = _unique(np.r_[0, np.searchsorted(ptr, np.arange(piece, ptr[-1], piece)), n].clip(0, n))
    return [(int(lo), int(hi)) for lo, hi in zip(cuts[:-1], cuts[1:])]


def comparison_work(X: sparse.csr_matrix, df: np.ndarray | None = None) -> float:
    """Products per task that comparing every pair of rows of ``X`` costs:
    ``sum(df²) / n`` over its columns (two rows sharing an n-gram cost one
    product for it). Small for a few thousand tasks; in a large corpus the
    commonest n-grams (加强, 推进, 企业…) make it grow with the corpus.
    ``df``: the rows using each column, if known already."""
    if X.shape[0] == 0:
        return 0.0
    df = (np.bincount(X.indices, minlength=X.shape[1]) if df is None else df).astype(np.float64)
    return float((df * df).sum() / X.shape[0])


def task_vectors(titles: Sequence[str], texts: Sequence[str]) -> sparse.csr_matrix:
    """One unit-length row per task: its title's TF-IDF and its text's, side
    by side, so that the cosine of two tasks is the mean of their title
    similarity and their text similarity (a task without a title is
    compared on its text). The title states the aim, the text the means; on
    their own, long texts drown the aim in shared policy wording. Every
    n-gram is kept, however common: the vectors, and so every similarity
    reported, are exact at any size."""
    return _task_vectors(titles, texts)[0]


def _task_vectors(titles: Sequence[str], texts: Sequence[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """:func:`task_vectors` and the tasks using each of its columns (the
    document frequencies, which the task matching needs too)."""
    titles, texts = list(titles), list(texts)
    if len(titles) != len(texts):
        raise ValueError("one title per text")
    n = len(texts)
    # both sides of a block of tasks counted by one worker (as char_ngrams counts them), then put
    # side by side once, straight into the matrix's arrays: TF-IDF and unit lengths in place, as
    # _unit_rows(hstack([tfidf(titles), tfidf(texts)])), without the copies in between
    spans = [(lo, lo + _CHUNK) for lo in range(0, n, _CHUNK)]
    _shared.update(titles=titles, texts=texts)
    try:
        blocks = fork_map(_vector_span, spans, workers=None if n >= MIN_WORK else 1)
    finally:
        _shared.pop("titles", None)
        _shared.pop("texts", None)
    vocab_t, vocab_x = (_merged_vocab([b[side][1] for b in blocks]) for side in (0, 1))
    lt = np.concatenate([np.diff(b[0][0].indptr) for b in blocks]) if blocks else np.zeros(0, dtype=np.int64)
    lx = np.concatenate([np.diff(b[1][0].indptr) for b in blocks]) if blocks else np.zeros(0, dtype=np.int64)
    ptr = np.r_[0, np.cumsum(lt + lx)].astype(np.int64)
    width = len(vocab_t) + len(vocab_x)
    index_dtype = np.int32 if max(ptr[-1], width) < 2 ** 31 else np.int64
    # each block's rows are one range of the matrix's entries: the block is mapped onto the merged
    # vocabularies and its counts made sublinear, then (the document frequencies known) weighted and
    # each side and row scaled to unit length, as _unit_rows(hstack([tfidf(titles), tfidf(texts)]));
    # for a large corpus, blocks at a time in forked workers writing into memory shared with this process
    workers = None if n >= MIN_WORK else 1
    forked = fork_workers(len(blocks), workers) > 1
    data, indices = _entries(ptr[-1], np.float64, forked), _entries(ptr[-1], index_dtype, forked)
    _shared.update(blocks=blocks, spans=spans, vocabs=(vocab_t, vocab_x), ptr=ptr, lengths=(lt, lx), data=data,
                   indices=indices)
    blocks = None
    try:
        found = fork_map(_map_block, range(len(spans)), workers=workers)
        del _shared["blocks"]  # (the blocks' counts are in the matrix now: their memory goes before the rest)
        df = np.zeros(width, dtype=np.int64)  # tasks using each n-gram, from the blocks' own counts
        for at_t, df_t, at_x, df_x in found:
            df[at_t] += df_t  # (an n-gram once per block: no index repeats)
            df[at_x] += df_x
        found = None
        _shared["idf"] = 1.0 + np.log((1.0 + n) / (1.0 + df))  # (as tfidf: the same N for both sides)
        fork_map(_weigh_block, range(len(spans)), workers=workers)
    finally:
        for key in ("blocks", "spans", "vocabs", "ptr", "lengths", "data", "indices", "idf"):
            _shared.pop(key, None)
    if forked:  # (the matrix's own memory: a later fork must not share writes with this process)
        data, indices = np.array(data), np.array(indices)
    return sparse.csr_matrix((data, indices, ptr), shape=(n, width)), df


def _entries(size: int, dtype, shared: bool) -> np.ndarray:
    """An empty array of ``size`` entries; in memory that forked workers
    share with this process (an anonymous shared mapping) if ``shared``."""
    if not shared or size == 0:
        return np.empty(size, dtype=dtype)
    import mmap

    return np.frombuffer(mmap.mmap(-1, size * np.dtype(dtype).itemsize), dtype=dtype, count=size)


def _map_block(k: int):
    """Block ``k`` of task_vectors onto the merged vocabularies: its entries'
    columns and sublinear counts written into the matrix's arrays; returns
    each side's columns and the block's tasks using each (for the document
    frequencies)."""
    (ct, vt), (cx, vx) = _shared["blocks"][k]
    vocab_t, vocab_x = _shared["vocabs"]
    lo = _shared["spans"][k][0]
    ptr = _shared["ptr"]
    at_t, at_x = np.searchsorted(vocab_t, vt), np.searchsorted(vocab_x, vx)
    side = [sparse.csr_matrix((m.data, at[m.indices], m.indptr), shape=(m.shape[0], len(vocab)))
            for m, at, vocab in ((ct, at_t, vocab_t), (cx, at_x, vocab_x))]
    both = sparse.hstack(side, format="csr")  # a row's title entries, then its text entries
    a, b = ptr[lo], ptr[lo + ct.shape[0]]
    _shared["indices"][a:b] = both.indices
    data = _shared["data"][a:b]
    np.log(both.data, out=data)  # (the counts in double precision, as tfidf takes them)
    data += 1.0
    small = np.int32 if len(vocab_t) + len(vocab_x) < 2 ** 31 else np.int64
    return (at_t.astype(small), np.bincount(ct.indices, minlength=len(vt)).astype(np.int32),
            (at_x + len(vocab_t)).astype(small), np.bincount(cx.indices, minlength=len(vx)).astype(np.int32))


def _weigh_block(k: int) -> None:
    """Rows of block ``k`` of task_vectors: TF × IDF, each side (title,
    text) to unit length, then the row."""
    lo, hi = _shared["spans"][k]
    ptr, (lt, lx), idf = _shared["ptr"], _shared["lengths"], _shared["idf"]
    hi = min(hi, len(ptr) - 1)
    a, b = ptr[lo], ptr[hi]
    data, indices = _shared["data"][a:b], _shared["indices"][a:b]  # (views: written in place)
    for s, e in _spans(len(data)):
        data[s:e] *= idf[indices[s:e]]
    _scale_rows(np.r_[0, np.cumsum(np.c_[lt[lo:hi], lx[lo:hi]].ravel())], data)  # each side: rows of their own
    _scale_rows(ptr[lo:hi + 1] - a, data)  # then the row


def _vector_span(span: tuple[int, int]):
    lo, hi = span
    return (_ngram_block(_shared["titles"][lo:hi], (2, 3)), _ngram_block(_shared["texts"][lo:hi], (2, 3)))


def _merged_vocab(vocabs: list[np.ndarray]) -> np.ndarray:
    """The sorted distinct codes of the blocks' vocabularies."""
    vocab = np.sort(np.concatenate(vocabs)) if vocabs else np.zeros(0, dtype=np.uint64)
    return vocab[np.r_[True, vocab[1:] != vocab[:-1]]] if len(vocab) else vocab


# ------------------------------------------------------- functions × places
def function_matrix(G: "nx.Graph", *, lead_weight: float = LEAD_WEIGHT,
                    support_weight: float = SUPPORT_WEIGHT) -> pd.DataFrame:
    """Which functions each place puts to work, and how much.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph.
    lead_weight, support_weight : float
        As for :func:`taskgraph.analyse.load.unit_load`.

    Returns
    -------
    pandas.DataFrame
        One row per function: ``function``, ``n_places`` (places whose plans
        name it), ``scope`` (``all`` — named by every place that names any
        unit; ``unique`` — by one place only; else ``some``), ``places``
        (joined), then one column per place with the function's weighted
        load there (0: absent). Only places whose plans name units are
        columns: a plan without annotations (Xuchang's) says nothing about
        functions, and would make "common to all" empty. Rows sorted by
        ``n_places`` descending, then total load, then function.
    """
    frames = graph_frames(G)
    return _function_matrix(_function_load(frames, lead_weight, support_weight))


def _function_load(frames, lead_weight: float, support_weight: float) -> pd.DataFrame:
    """Weighted load, function × place (only places naming units): the
    ``weighted`` column of :func:`taskgraph.analyse.load.unit_load` by
    function, counted here from the edges alone (the rest of that table,
    its partners above all, would cost ~0.5 s at 100,000 tasks for
    nothing)."""
    edges = frames[2]
    e = edges[["function", "place", "task"]].assign(is_lead=edges["role"].eq("lead"))
    m = e.groupby(["function", "place", "task"], sort=False)["is_lead"].any()  # a task once per function, led if any
    g = m.groupby(level=["function", "place"], sort=True)
    lead = g.sum().astype(int)
    weighted = (lead_weight * lead + support_weight * (g.size() - lead)).astype(np.float64)
    wide = weighted.unstack("place", fill_value=0.0)
    return wide.reindex(columns=sorted(wide.columns), fill_value=0.0).sort_index()


def _function_matrix(wide: pd.DataFrame) -> pd.DataFrame:
    places = list(wide.columns)
    present = (wide > 0).to_numpy()
    n_places = present.sum(axis=1).astype(int)
    head = pd.DataFrame({
        "function": wide.index, "n_places": n_places,
        "scope": np.select([n_places == len(places), n_places == 1], ["all", "unique"], "some"),
        "places": ["、".join(p for p, here in zip(places, row) if here) for row in present],
    })
    out = pd.concat([head, pd.DataFrame(wide.to_numpy(), columns=places),
                     pd.DataFrame({"_total": wide.sum(axis=1).to_numpy()})], axis=1)
    out = out.sort_values(["n_places", "_total", "function"], ascending=[False, False, True], kind="stable")
    return out.drop(columns="_total").reset_index(drop=True)


def _cosines(M) -> np.ndarray:
    """Cosine similarity of the rows of ``M`` (dense or sparse); NaN where a
    row is all zero."""
    M = sparse.csr_matrix(M, dtype=np.float64)
    norms = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        return (M @ M.T).toarray() / np.outer(norms, norms)


#: Entries of the task vectors from which the places' text similarity is
#: computed another way (see _group_cosines).
_LARGE = 1_000_000


def _group_cosines(member: sparse.csr_matrix, X: sparse.csr_matrix) -> np.ndarray:
    """Cosine similarity of the groups' summed rows ``member @ X``.

    For a large corpus (every n-gram of the corpus is a column) the sums are
    taken transposed (n-grams × groups: the accumulator is one row of a
    few groups, not one of millions of n-grams), and only the n-grams two
    groups or more share can be off the diagonal: those are multiplied as
    one sparse product (groups × groups). Dense blocks of them (mostly
    zeros: a shared n-gram is in a few groups of fifty) went through BLAS,
    whose threads, spinning while they wait for each other, cost seconds of
    CPU on a busy machine; the sparse sums differ from BLAS's in the last
    bits only (1e-14 at 100,000 tasks, far below the four decimals
    written)."""
    if X.nnz <= _LARGE:
        return _cosines(member @ X)
    MT = X.T.tocsr() @ member.T.tocsr()  # n-grams × groups
    diagonal = np.bincount(MT.indices, weights=MT.data * MT.data, minlength=MT.shape[1])
    shared = MT[np.flatnonzero(np.diff(MT.indptr) >= 2)]
    gram = (shared.T.tocsr() @ shared).toarray()
    np.fill_diagonal(gram, diagonal)
    norms = np.sqrt(diagonal)
    with np.errstate(divide="ignore", invalid="ignore"):
        return gram / np.outer(norms, norms)


def place_similarity(G: "nx.Graph", *, lead_weight: float = LEAD_WEIGHT,
                     support_weight: float = SUPPORT_WEIGHT) -> pd.DataFrame:
    """How alike each pair of places is.

    Returns
    -------
    pandas.DataFrame
        One row per pair of places (sorted): ``functions_a``,
        ``functions_b`` (distinct functions named), ``shared_functions``,
        ``jaccard`` (shared over functions named by either), ``load_cosine``
        (cosine of the weighted-load profiles over functions: alike when
        the same functions carry the same proportions of the work) and
        ``text_cosine`` (cosine of the mean TF-IDF vectors of the places'
        tasks: alike when the plans pursue the same things, whoever does
        them). A place without annotations (Xuchang) has empty function
        measures but a ``text_cosine``.
    """
    frames = graph_frames(G)
    tasks = frames[0]
    X = task_vectors(list(tasks["title"].fillna("")), list(tasks["text"].fillna("")))
    return _place_similarity(tasks, _function_load(frames, lead_weight, support_weight), X)


def _place_similarity(tasks: pd.DataFrame, wide: pd.DataFrame, X: sparse.csr_matrix) -> pd.DataFrame:
    columns = ["place_a", "place_b", "functions_a", "functions_b", "shared_functions", "jaccard", "load_cosine",
               "text_cosine"]
    places = sorted(tasks["place"].unique())
    group = pd.Index(places).get_indexer(tasks["place"])
    member = sparse.csr_matrix((np.ones(len(tasks)), (group, np.arange(len(tasks)))),
                               shape=(len(places), len(tasks)))
    text = _group_cosines(member, X)
    W = wide.reindex(columns=places, fill_value=0.0).to_numpy().T  # places × functions
    present = (W > 0).astype(np.float64)
    shared = present @ present.T
    n_fun = present.sum(axis=1)
    load = _cosines(W)
    a, b = np.triu_indices(len(places), k=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where((n_fun[a] > 0) & (n_fun[b] > 0), shared[a, b] / (n_fun[a] + n_fun[b] - shared[a, b]),
                           np.nan)
    return pd.DataFrame({
        "place_a": np.array(places, dtype=object)[a], "place_b": np.array(places, dtype=object)[b],
        "functions_a": n_fun[a].astype(int), "functions_b": n_fun[b].astype(int),
        "shared_functions": shared[a, b].astype(int), "jaccard": jaccard, "load_cosine": load[a, b],
        "text_cosine": text[a, b],
    }, columns=columns)


# ------------------------------------------------------------ task matching
def _similar_pairs(X: sparse.csr_matrix, group: np.ndarray, threshold: float, top_k: int | None,
                   block: int = 10_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of rows with ``X[i]·X[j] >= threshold`` and
    ``group[i] != group[j]``; with ``top_k``, only a row's ``top_k`` best
    pairs (a pair stays if it is among the best of either row).

    A sparse product of a block of rows with all rows at a time: only pairs
    sharing an n-gram are ever touched, blocks are sized so that a product
    holds at most about ``block`` entries, and each block is thresholded
    (and cut to ``top_k`` per row) before the next, so memory stays bounded.
    """
    n = X.shape[0]
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    if n < 2 or X.nnz == 0:
        return empty
    df = np.bincount(X.indices, minlength=X.shape[1])
    work = np.cumsum((X != 0).astype(np.int64) @ df)  # bound on each row's product entries, summed
    cuts = _unique(np.r_[0, np.searchsorted(work, np.arange(block, work[-1], block)), n])
    XT = X.T.tocsr()
    out_i, out_j, out_s = [], [], []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        hi = max(hi, lo + 1)
        P = (X[lo:hi] @ XT).tocoo()
        i = P.row.astype(np.int64) + lo
        j = P.col.astype(np.int64)
        ok = (P.data >= threshold - 1e-12) & (group[i] != group[j])
        i, j, v = i[ok], j[ok], P.data[ok]
        if top_k is not None and len(i):
            order = np.lexsort((j, -v, i))
            i, j, v = i[order], j[order], v[order]
            first = np.r_[0, np.flatnonzero(np.diff(i)) + 1]
            rank = np.arange(len(i)) - np.repeat(first, np.diff(np.r_[first, len(i)]))
            keep = rank < top_k
            i, j, v = i[keep], j[keep], v[keep]
        out_i.append(np.minimum(i, j))
        out_j.append(np.maximum(i, j))
        out_s.append(v)
    i, j, s = np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)
    if not len(i):
        return empty
    key = np.unique(i * n + j, return_index=True)[1]  # a pair can be kept from both ends
    return i[key], j[key], s[key]


def _heaviest(X: sparse.csr_matrix, m: int) -> sparse.csr_matrix:
    """``X`` with only the ``m`` largest entries of each row (ties at the
    m-th value kept)."""
    lengths = np.diff(X.indptr)
    n = X.shape[0]
    _shared.update(X=X, m=m)
    try:  # rows are independent: in forked processes (which share X) for a large corpus
        step = max(1, -(-n // 8))
        cutoffs = fork_map(_cutoff_block, [(lo, min(lo + step, n)) for lo in range(0, n, step)],
                           workers=None if n >= MIN_WORK else 1)
    finally:
        _shared.clear()
    keep = X.data >= np.repeat(np.concatenate(cutoffs) if cutoffs else np.zeros(0), lengths)
    rows = np.repeat(np.arange(n), lengths)
    kept = np.r_[0, np.cumsum(np.bincount(rows[keep], minlength=X.shape[0]))]
    return sparse.csr_matrix((X.data[keep], X.indices[keep], kept), shape=X.shape)


def candidate_pairs(X: sparse.csr_matrix, group: np.ndarray, heavy: int = HEAVY_NGRAMS,
                    candidates: int = CANDIDATES, block: int = 10_000_000) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of rows of different groups worth scoring: the
    candidates of the cross-place matching in a corpus too large to compare
    every pair.

    Each row keeps its ``heavy`` heaviest n-grams (its rarest and most
    repeated: what sets the task apart, rather than the wording every plan
    shares); two rows are compared on those alone (one sparse product, in
    blocks of about ``block`` entries), which never overstates their cosine;
    each row keeps its ``candidates`` best partners of another group, and a
    pair is a candidate if either row keeps it. The cost is about
    ``heavy² × (rows sharing a heavy n-gram)``, independent of how common the
    shared wording is.
    """
    n = X.shape[0]
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if n < 2 or X.nnz == 0:
        return none
    # rows by group, so that a row's own group is one range of columns (no lookups)
    order = np.argsort(group, kind="stable")
    bounds = np.r_[0, np.flatnonzero(np.diff(group[order])) + 1, n]
    span = np.repeat(np.c_[bounds[:-1], bounds[1:]], np.diff(bounds), axis=0)  # row → its group's [start, end)
    A = _heaviest(X, heavy).astype(np.float32)[order]  # candidates only: single precision is plenty
    if A.nnz == 0:
        return none
    AT = A.T.tocsr()
    df = np.bincount(A.indices, minlength=A.shape[1])
    work = np.cumsum((A != 0).astype(np.int64) @ df)  # bound on each row's product entries, summed
    cuts = _unique(np.r_[0, np.searchsorted(work, np.arange(block, work[-1], block)), n])
    blocks = [(lo, max(hi, lo + 1)) for lo, hi in zip(cuts[:-1], cuts[1:])]
    _shared.update(A=A, AT=AT, span=span, order=order, candidates=candidates)
    try:  # blocks are independent: in forked processes (which share A) for a large corpus
        found = fork_map(_candidate_block, blocks, workers=None if n >= MIN_WORK else 1)
    finally:
        _shared.clear()
    i = np.concatenate([f[0] for f in found]).astype(np.int64)
    j = np.concatenate([f[1] for f in found]).astype(np.int64)
    key = _unique(np.minimum(i, j) * n + np.maximum(i, j))
    return key // n, key % n


#: What the blocks of candidate_pairs and pair_similarity read, set before
#: the workers fork (inherited, not pickled) and cleared after.
_shared: dict = {}


def _cutoff_block(rows: tuple[int, int]) -> np.ndarray:
    lo, hi = rows
    X = _shared["X"]
    ptr = X.indptr[lo:hi + 1]
    return _row_cutoffs(ptr - ptr[0], X.data[ptr[0]:ptr[-1]], _shared["m"])


def _candidate_block(rows: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs (original row numbers) of rows ``lo:hi`` of
    ``_shared["A"]`` (rows in group order)."""
    lo, hi = rows
    order, span = _shared["order"], _shared["span"]
    P = _shared["A"][lo:hi] @ _shared["AT"]
    ptr, cols, v = P.indptr, P.indices, P.data
    lengths = np.diff(ptr)
    own = (cols >= np.repeat(span[lo:hi, 0], lengths)) & (cols < np.repeat(span[lo:hi, 1], lengths))
    v[own] = 0  # same group: never a match
    best = np.flatnonzero((v > 0) & (v >= np.repeat(_row_cutoffs(ptr, v, _shared["candidates"]), lengths)))
    return order[np.searchsorted(ptr, best, side="right") - 1 + lo], order[cols[best]]


def _row_cutoffs(ptr: np.ndarray, v: np.ndarray, k: int, sample: int = 128) -> np.ndarray:
    """The ``k``-th largest value of each row of a CSR matrix (``ptr``,
    values ``v``, none negative), 0 for a row of ``k`` values or fewer.

    A row longer than ``sample`` is first cut down to its values from a
    lower bound of the answer on: the ``k``-th largest of ``sample`` of its
    values, evenly spaced along the row (the ``k``-th largest of a part of
    a row is never above that of the whole row, so every value from the
    answer up is kept, and the ``k``-th largest of what is kept is the
    row's). A row of candidate products holds a thousand values or more,
    of which a tenth or so pass; what is kept is then padded and
    partitioned (:func:`_padded_kth`)."""
    lengths = np.diff(ptr)
    cutoff = np.zeros(len(lengths))
    rows = np.flatnonzero(lengths > k)
    if not len(rows):
        return cutoff
    if k < sample < lengths[rows].max():
        low = np.full(len(lengths), np.inf, dtype=v.dtype)  # a row of k values or fewer: keep none
        low[rows] = -np.inf
        big = rows[lengths[rows] > sample]
        n = len(big)
        at = ptr[big][:, None] + (np.arange(sample)[None, :] * lengths[big][:, None]) // sample  # spaced out
        low[big] = np.partition(v[at], sample - k, axis=1)[:, sample - k]
        keep = v >= np.repeat(low, lengths)
        ptr = np.r_[0, np.cumsum(keep, dtype=ptr.dtype)][ptr]
        v = v[keep]
    cutoff[rows] = _padded_kth(ptr, v, k, rows)
    return cutoff


def _padded_kth(ptr: np.ndarray, v: np.ndarray, k: int, rows: np.ndarray, cells: int = 1 << 22) -> np.ndarray:
    """The ``k``-th largest value of each of ``rows`` (each of ``k`` values
    or more, none negative) of a CSR matrix (``ptr``, ``v``): rows padded
    with zeros to a power-of-two width, grouped by width, and partitioned
    together."""
    lengths = np.diff(ptr)[rows]
    out = np.zeros(len(rows))
    width = np.ones(len(rows), dtype=np.int64) << np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64)
    for w in _unique(width):
        at_w = np.flatnonzero(width == w)
        for chunk in np.array_split(at_w, max(1, len(at_w) * int(w) // cells)):
            n = lengths[chunk]
            starts = ptr[rows[chunk]]
            dense = np.zeros((len(chunk), int(w)), dtype=v.dtype)
            offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
            dense[np.repeat(np.arange(len(chunk)), n), offset] = v[np.repeat(starts, n) + offset]
            out[chunk] = np.partition(dense, int(w) - k, axis=1)[:, int(w) - k]
    return out


def pair_similarity(X: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, chunk: int | None = None) -> np.ndarray:
    """The exact cosine of each pair of rows ``(i[p], j[p])`` of ``X``
    (unit rows): the dot product of the two full rows, in chunks of pairs
    (default: as many as copy about :data:`_PAIR_ENTRIES` entries of each
    side; the copies of a chunk stay small enough for the allocator to
    reuse their memory, rather than map fresh memory for every chunk)."""
    if not len(i):
        return np.zeros(0)
    # (the rows as they are: an n-gram of one row only is in no product of two, and cutting such
    # n-grams out first cost more, at 100,000 tasks, than the shorter rows saved)
    if chunk is None:
        chunk = max(1, int(_PAIR_ENTRIES * X.shape[0] / max(X.nnz, 1)))
    _shared.update(X=X, i=i, j=j)
    try:  # chunks are independent: in forked processes (which share X) for many pairs
        parts = fork_map(_pair_chunk, [(lo, lo + chunk) for lo in range(0, len(i), chunk)],
                         workers=None if len(i) >= 10 * MIN_WORK else 1)
    finally:
        _shared.clear()
    return np.concatenate(parts)


#: Entries of each side's rows copied per chunk of pairs by :func:`pair_similarity` (some 12 MB).
_PAIR_ENTRIES = 1 << 20


def _pair_chunk(span: tuple[int, int]) -> np.ndarray:
    lo, hi = span
    X, a, b = _shared["X"], _shared["i"][lo:hi], _shared["j"][lo:hi]
    return np.asarray(X[a].multiply(X[b]).sum(axis=1)).ravel()


def _keep_best(i: np.ndarray, j: np.ndarray, s: np.ndarray, n: int, threshold: float,
               top_k: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of scored pairs ``i < j``, those from the threshold and, with
    ``top_k``, among the ``top_k`` best of either row (ties: the lower
    partner first), as :func:`_similar_pairs` decides them."""
    ok = s >= threshold - 1e-12
    i, j, s = i[ok], j[ok], s[ok]
    if top_k is not None and len(i):
        a, b, v = np.r_[i, j], np.r_[j, i], np.r_[s, s]  # each pair seen from both rows
        order = np.lexsort((b, -v, a))
        a, b, v = a[order], b[order], v[order]
        first = np.r_[0, np.flatnonzero(np.diff(a)) + 1]
        rank = np.arange(len(a)) - np.repeat(first, np.diff(np.r_[first, len(a)]))
        keep = rank < top_k
        key, at = np.unique(np.minimum(a, b)[keep] * n + np.maximum(a, b)[keep], return_index=True)
        i, j, s = key // n, key % n, v[keep][at]
    return i, j, s


def match_pairs(X: sparse.csr_matrix, group: np.ndarray, threshold: float = THRESHOLD, top_k: int | None = TOP_K,
                budget: float = BUDGET, heavy: int = HEAVY_NGRAMS, candidates: int = CANDIDATES,
                df: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The matching of :func:`matching_tasks` on rows of :func:`task_vectors`
    and their groups (places): pairs ``(i, j, similarity)``, ``i < j``, and
    whether every pair was compared (else: candidates, see
    :func:`candidate_pairs`). ``df``: as for :func:`comparison_work`."""
    if comparison_work(X, df) <= budget:
        return (*_similar_pairs(X, group, threshold, top_k), True)
    i, j = candidate_pairs(X, group, heavy, candidates)
    return (*_keep_best(i, j, pair_similarity(X, i, j), X.shape[0], threshold, top_k), False)


def _leads(node: np.ndarray, edges: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per task (of ``node``): its lead units' names, in edge order, and
    their functions, sorted and distinct, each joined by 、 ('' without a
    lead). Most tasks have one lead: those are filled at once, only the
    others one by one."""
    names, functions = np.full(len(node), "", dtype=object), np.full(len(node), "", dtype=object)
    lead = edges[edges["role"] == "lead"]
    if not len(lead):
        return names, functions
    at = pd.Index(node).get_indexer(lead["task"].to_numpy())
    order = np.argsort(at, kind="stable")  # a task's leads together, in edge order
    at = at[order]
    name = lead["name"].to_numpy(dtype=object)[order]
    function = lead["function"].to_numpy(dtype=object)[order]
    starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])
    ends = np.r_[starts[1:], len(at)]
    one = starts[ends - starts == 1]
    names[at[one]], functions[at[one]] = name[one], function[one]
    for lo, hi in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist()):
        names[at[lo]] = "、".join(name[lo:hi])
        functions[at[lo]] = "、".join(sorted(set(function[lo:hi])))
    return names, functions


def _lead_matches(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`_lead_match` of each pair ``(a[p], b[p])``, decided once per
    distinct pair of lead functions (there are few)."""
    codes, uniques = pd.factorize(np.r_[a, b])
    key = codes[:len(a)].astype(np.int64) * (len(uniques) + 1) + codes[len(a):]
    pairs, inverse = np.unique(key, return_inverse=True)
    decided = [_lead_match(uniques[k // (len(uniques) + 1)], uniques[k % (len(uniques) + 1)]) for k in pairs.tolist()]
    return np.array(decided, dtype=object)[inverse.ravel()] if len(a) else np.zeros(0, dtype=object)


def matching_tasks(G: "nx.Graph", *, threshold: float = THRESHOLD, top_k: int | None = TOP_K,
                   budget: int = BUDGET, heavy_ngrams: int = HEAVY_NGRAMS,
                   candidates: int = CANDIDATES) -> pd.DataFrame:
    """Tasks of different places that pursue the same thing, with who leads each.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph.
    threshold : float
        Cosine similarity (of :func:`task_vectors`: character bigrams and
        trigrams, TF-IDF, title and text weighted alike) from which two
        tasks match. Default 0.15, read off the seeds: policy plans share
        much wording (科技, 创新, 企业, 加强, 支持) but rarely whole
        sentences, so cosines run low. Above 0.15 nearly every pair names
        the same instrument (科技型中小企业 培育, 高新技术企业 "小升高",
        科技成果转化, 知识产权, 孵化载体); between 0.10 and 0.15 about half
        do, the rest share a field only (a 梯队培育 task against a 金融服务
        one); below 0.10 pairs share boilerplate. Similarities depend on
        the corpus (through IDF): check a sample of rows near the threshold
        on a new corpus, and lower it for recall or raise it for
        near-copies only.
    top_k : int or None
        Keep, for each task, its ``top_k`` most similar matches (a pair
        stays if it is among the best of either task). Default 5: a task
        on a common aim can match hundreds of plans in a large corpus, and
        five nearest per task keep the table readable and bounded. None
        keeps every pair above the threshold.
    budget : int
        Products per task up to which every pair of tasks is compared
        (default 2,000; see :func:`comparison_work`): then the table is
        exact, and it is for the seeds and for corpora of a few thousand
        tasks. In a larger corpus each task is compared with candidates
        only (:func:`candidate_pairs`); every candidate pair is scored
        with the full vectors, so each similarity, each threshold and each
        top-k decision among the pairs found is exact, but a pair the
        candidate step did not find is missing (``attrs["exhaustive"]`` is
        False then). ``benchmarks/bench.py`` measures the recall: on its
        100,000-task corpus, about 98% of the true top-5 matches, and
        every one of similarity 0.3 or more.
    heavy_ngrams, candidates : int
        The candidate step: n-grams per task through which it finds its
        candidates (default 20), and candidates kept per task (default 12).
        Raise either for recall, at the cost of time.

    Returns
    -------
    pandas.DataFrame
        One row per matching pair, places in sorted order (``_a`` before
        ``_b``): ``similarity``, ``lead_match`` (``same`` — same set of
        lead functions; ``partly`` — they share one; ``different`` — none in
        common: the telling rows; ``n/a`` — a side has no lead, e.g. a
        plan without annotations), then for each side ``place``, ``doc``,
        ``path``, ``title``, ``lead`` (display names) and
        ``lead_function``. Sorted by similarity descending, then places
        and paths.
    """
    tasks, _, edges = graph_frames(G)
    X, df = _task_vectors(list(tasks["title"].fillna("")), list(tasks["text"].fillna("")))
    return _matching_tasks(tasks, edges, X, threshold, top_k, budget, heavy_ngrams, candidates, df)


def _matching_tasks(tasks: pd.DataFrame, edges: pd.DataFrame, X: sparse.csr_matrix, threshold: float,
                    top_k: int | None, budget: float = BUDGET, heavy: int = HEAVY_NGRAMS,
                    candidates: int = CANDIDATES, df: np.ndarray | None = None) -> pd.DataFrame:
    columns = ["similarity", "lead_match"] + [f"{c}_{s}" for s in "ab" for c in
                                              ("place", "doc", "path", "title", "lead", "lead_function")]
    group = pd.factorize(tasks["place"], sort=True)[0]
    i, j, s, exhaustive = match_pairs(X, group, threshold, top_k, budget, heavy, candidates, df)
    # side a is the place that sorts first
    swap = tasks["place"].to_numpy()[i] > tasks["place"].to_numpy()[j]
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    names, functions = _leads(tasks["node"].to_numpy(), edges)
    out = pd.DataFrame({"similarity": s})
    for side, idx in (("a", i), ("b", j)):
        for c in ("place", "doc", "path", "title"):
            out[f"{c}_{side}"] = tasks[c].to_numpy()[idx]
        out[f"lead_{side}"] = names[idx].tolist()
        out[f"lead_function_{side}"] = functions[idx].tolist()
    out["lead_match"] = _lead_matches(functions[i], functions[j]).tolist()
    out["_pa"], out["_pb"] = i, j
    out = out.sort_values(["similarity", "place_a", "place_b", "_pa", "_pb"],
                          ascending=[False, True, True, True, True], kind="stable")
    out = out[columns].reset_index(drop=True)
    out.attrs["exhaustive"] = exhaustive  # False: pairs found by the candidate step (see matching_tasks)
    return out


def overlap_tables(G: "nx.Graph", *, threshold: float = THRESHOLD, top_k: int | None = TOP_K,
                   budget: int = BUDGET, heavy_ngrams: int = HEAVY_NGRAMS, candidates: int = CANDIDATES,
                   lead_weight: float = LEAD_WEIGHT, support_weight: float = SUPPORT_WEIGHT
                   ) -> dict[str, pd.DataFrame]:
    """The three overlap tables at once, sharing the graph's frames and the
    task vectors: ``overlap_tasks`` (:func:`matching_tasks`),
    ``overlap_functions`` (:func:`function_matrix`) and ``overlap_places``
    (:func:`place_similarity`)."""
    frames = graph_frames(G)
    tasks, _, edges = frames
    X, df = _task_vectors(list(tasks["title"].fillna("")), list(tasks["text"].fillna("")))
    wide = _function_load(frames, lead_weight, support_weight)
    # the places' similarity and the task matching are independent: in a large corpus a child
    # works out the first in the CPU time the second leaves idle (its steps in one process)
    with fork_ahead(_place_similarity_of, (tasks, wide, X), fork=len(tasks) >= MIN_WORK) as places:
        matching = _matching_tasks(tasks, edges, X, threshold, top_k, budget, heavy_ngrams, candidates, df)
        similarity = places.result()
    return {"overlap_tasks": matching, "overlap_functions": _function_matrix(wide), "overlap_places": similarity}


def _place_similarity_of(args) -> pd.DataFrame:
    return _place_similarity(*args)


def _lead_match(a: str, b: str) -> str:
    if not a or not b:
        return "n/a"
    fa, fb = set(a.split("、")), set(b.split("、"))
    if fa == fb:
        return "same"
    return "partly" if fa & fb else "different"
