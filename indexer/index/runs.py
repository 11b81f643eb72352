"""Runs: a field's postings over some documents, term by term, in memory or in files, merged for writing.

A run is what ``inversion.py`` makes of a field's tokens; a segment past its memory limit saves runs to its
temporary folder, and when it is written the runs are merged a range of terms at a time (each saved run's range
read from its file) into the arrays ``codec.bulk`` writes.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from functools import partial

import numpy as np

from indexer.index.codec.bulk import TermPostings, firsts

# Postings written at a time (a range of terms): the encoder's temporaries take a few hundred bytes a posting
# (2^18 at a time raised a 5k-document sub-writer's peak by 75 MB over 2^16, for no measurable speed).
CHUNK_POSTINGS = 1 << 16


@dataclass
class Run:
    """One field's postings over some documents: term by term (``terms`` ascending), each term's by document."""

    terms: list[bytes]
    counts: np.ndarray  # postings of each term
    docs: np.ndarray
    freqs: np.ndarray  # occurrences in each posting
    positions: np.ndarray | None = None  # each occurrence's position, posting by posting
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None
    weights: np.ndarray | None = None  # each posting's weight, where it is not ``freq * boost``

    def save(self, path: str) -> SavedRun:
        """The run written to files at ``path`` (a prefix): its terms, then its arrays one after the other."""
        with open(path + ".terms", "wb") as f:
            pickle.dump(self.terms, f, pickle.HIGHEST_PROTOCOL)
        layout: dict[str, tuple[int, np.dtype, int]] = {}
        with open(path + ".arrays", "wb") as f:
            for field in fields(self)[1:]:
                value = getattr(self, field.name)
                if value is not None:
                    layout[field.name] = (f.tell(), value.dtype, len(value))
                    np.ascontiguousarray(value).tofile(f)
        return SavedRun(path, layout)

    def all_terms(self) -> list[bytes]:
        """The run's terms."""
        return self.terms

    def term_counts(self) -> np.ndarray:
        """The number of postings of each term."""
        return self.counts

    def has(self, name: str) -> bool:
        """Whether the run has the column ``name`` (``positions``, ``starts``, ``ends``, ``weights``)."""
        return getattr(self, name) is not None

    def take(self, p0: int, p1: int, o0: int) -> tuple[Run, int]:
        """Postings ``p0:p1``, whose occurrences begin at ``o0``, as a run without terms; where the next begin."""
        return _take(lambda name, start, stop: getattr(self, name)[start:stop], self.has, p0, p1, o0)


class SavedRun:
    """A run in files, read back a range at a time when it is merged: neither a memory map nor an open file is
    kept (mapped runs kept every page a merge had read counted in the writer's memory, and held a file each)."""

    def __init__(self, path: str, layout: dict[str, tuple[int, np.dtype, int]]) -> None:
        self.path = path
        self.layout = layout  # each array's offset in the ``.arrays`` file, its type and its length

    def all_terms(self) -> list[bytes]:
        """The run's terms, read from its file."""
        with open(self.path + ".terms", "rb") as f:
            return pickle.load(f)

    def term_counts(self) -> np.ndarray:
        """The number of postings of each term, read from its file."""
        offset, dtype, length = self.layout["counts"]
        with open(self.path + ".arrays", "rb") as f:
            return np.fromfile(f, dtype=dtype, count=length, offset=offset)

    def has(self, name: str) -> bool:
        """Whether the run has the column ``name``."""
        return name in self.layout

    def take(self, p0: int, p1: int, o0: int) -> tuple[Run, int]:
        """Postings ``p0:p1``, whose occurrences begin at ``o0``, read as a run without terms; where the next begin."""
        fd = os.open(self.path + ".arrays", os.O_RDONLY)
        try:
            return _take(partial(self._read, fd), self.has, p0, p1, o0)
        finally:
            os.close(fd)

    def _read(self, fd: int, name: str, start: int, stop: int) -> np.ndarray:
        offset, dtype, _ = self.layout[name]
        size = dtype.itemsize
        data = os.pread(fd, (stop - start) * size, offset + start * size)
        if len(data) != (stop - start) * size:
            raise OSError(f"{self.path}.arrays: {name} is cut short ({len(data)} of {(stop - start) * size} bytes)")
        return np.frombuffer(data, dtype=dtype)


def _take(
    read: Callable[[str, int, int], np.ndarray], has: Callable[[str], bool], p0: int, p1: int, o0: int
) -> tuple[Run, int]:
    """A run's postings ``p0:p1`` (occurrences from ``o0``) as a run without terms, each column a range ``read``
    gives; where the next occurrences begin."""
    freqs = np.asarray(read("freqs", p0, p1))
    o1 = o0 + int(np.sum(freqs, dtype=np.int64))
    columns = {n: read(n, o0, o1) for n in ("positions", "starts", "ends") if has(n)}
    weights = read("weights", p0, p1) if has("weights") else None
    return Run([], np.zeros(0), read("docs", p0, p1), freqs, weights=weights, **columns), o1


def merged(runs: list[Run | SavedRun], chunk: int | None = None) -> Iterator[Run]:
    """The runs' postings as one, a range of terms at a time (about ``chunk`` postings each)."""
    chunk = chunk or CHUNK_POSTINGS
    terms, ranks = union(runs)
    counts = [run.term_counts() for run in runs]
    totals = np.zeros(len(terms), dtype=np.int64)
    for count, rank in zip(counts, ranks, strict=True):
        totals[rank] += count
    cuts = np.searchsorted(np.cumsum(totals), np.arange(chunk, int(totals.sum()), chunk), side="right")
    bounds = [0, *sorted(set(cuts.tolist()) - {0, len(terms)}), len(terms)]
    # Each run's postings and occurrences are taken in order, a range at a time: where its next range begins.
    postings_at, occurrences = [0] * len(runs), [0] * len(runs)
    for low, high in zip(bounds, bounds[1:], strict=False):
        parts = []
        for i, (run, rank, count) in enumerate(zip(runs, ranks, counts, strict=True)):
            a, b = np.searchsorted(rank, [low, high])
            if a == b:
                continue
            p0 = postings_at[i]
            p1 = postings_at[i] = p0 + int(np.sum(count[a:b], dtype=np.int64))
            piece, occurrences[i] = run.take(p0, p1, occurrences[i])
            parts.append((np.repeat(rank[a:b], count[a:b]), piece))
        yield _join(terms[low:high], low, parts)


def union(runs: list[Run | SavedRun]) -> tuple[list[bytes], list[np.ndarray]]:
    """The runs' terms as one ascending list, and each run's terms' ranks in it.

    The runs' term lists are read one at a time, each term numbered on first sight: every run's list held at once
    (a copy of each term in each run that has it) was most of a merge's memory.
    """
    if len(runs) == 1:
        terms = runs[0].all_terms()
        return terms, [np.arange(len(terms))]
    numbers: dict[bytes, int] = {}
    seen = []
    for run in runs:
        names = run.all_terms()
        seen.append(np.fromiter((numbers.setdefault(t, len(numbers)) for t in names), dtype=np.int32, count=len(names)))
    every = np.fromiter(numbers, dtype=object, count=len(numbers))
    del numbers
    order = np.argsort(every, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return every[order].tolist(), [rank[s] for s in seen]


def _join(terms: list[bytes], low: int, parts: list[tuple[np.ndarray, Run]]) -> Run:
    """Postings of one or several runs for the same terms, put in term order (a term's earlier runs first)."""
    ranks = np.concatenate([p[0] for p in parts])
    docs = np.concatenate([run.docs for _, run in parts])
    freqs = np.concatenate([run.freqs for _, run in parts]).astype(np.int64)
    sort = np.argsort(ranks, kind="stable")
    occ = None
    if parts[0][1].positions is not None:
        moved = freqs[sort]
        occ = np.repeat(firsts(freqs)[sort] - firsts(moved), moved) + np.arange(int(moved.sum()))
    columns = {}
    if parts[0][1].weights is not None:
        columns["weights"] = np.concatenate([run.weights for _, run in parts])[sort]
    for name in ("positions", "starts", "ends"):
        if getattr(parts[0][1], name) is not None:
            columns[name] = np.concatenate([getattr(run, name) for _, run in parts])[occ]
    return Run(
        terms=terms,
        counts=np.bincount(ranks - low, minlength=len(terms)),
        docs=docs[sort],
        freqs=freqs[sort],
        **columns,
    )


def postings(run: Run, boost: float, lengths: np.ndarray) -> TermPostings:
    """A run as the field writer takes it: weights ``freq * boost``, each document's field length byte."""
    docs = np.asarray(run.docs, dtype=np.int64)
    freqs = np.asarray(run.freqs, dtype=np.int64)
    inside = docs < len(lengths)
    length = np.zeros(len(docs), dtype=np.uint8)
    length[inside] = lengths[docs[inside]]
    weights = freqs * boost if run.weights is None else np.asarray(run.weights)
    return TermPostings(
        run.terms, np.asarray(run.counts), docs, weights, length, freqs, run.positions, run.starts, run.ends
    )


def remove(run: Run | SavedRun) -> None:
    """Delete a saved run's files."""
    if isinstance(run, SavedRun):
        for suffix in (".terms", ".arrays"):
            if os.path.exists(run.path + suffix):
                os.remove(run.path + suffix)
