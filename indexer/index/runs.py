"""Runs: a field's postings over some documents, term by term, in memory or in files, merged for writing.

A run is what ``inversion.py`` makes of a field's tokens; a segment past its memory limit saves runs to its
temporary folder (read back through memory maps), and when it is written the runs are merged a range of terms at a
time into the arrays ``codec.bulk`` writes.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

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

    def save(self, path: str) -> Run:
        """The run written to files at ``path`` (a prefix), read back through memory maps."""
        with open(path + ".terms", "wb") as f:
            pickle.dump(self.terms, f, pickle.HIGHEST_PROTOCOL)
        arrays: dict[str, Any] = {}
        for field in fields(self)[1:]:
            value = getattr(self, field.name)
            if value is not None:
                np.save(f"{path}.{field.name}.npy", value)
                arrays[field.name] = np.load(f"{path}.{field.name}.npy", mmap_mode="r")
        return SavedRun(terms=[], path=path, **arrays)

    def all_terms(self) -> list[bytes]:
        """The run's terms."""
        return self.terms


@dataclass
class SavedRun(Run):
    """A run in files: its terms are read back when they are needed."""

    path: str = ""

    def all_terms(self) -> list[bytes]:
        """The run's terms, read from its file."""
        with open(self.path + ".terms", "rb") as f:
            return pickle.load(f)


def merged(runs: list[Run], chunk: int | None = None) -> Iterator[Run]:
    """The runs' postings as one, a range of terms at a time (about ``chunk`` postings each)."""
    chunk = chunk or CHUNK_POSTINGS
    run_terms = [run.all_terms() for run in runs]
    if len(runs) == 1:
        terms, ranks = run_terms[0], [np.arange(len(run_terms[0]))]
    else:
        terms = sorted(set().union(*run_terms))
        where = {term: i for i, term in enumerate(terms)}
        ranks = [np.fromiter(map(where.__getitem__, names), dtype=np.int64, count=len(names)) for names in run_terms]
        del where
    del run_terms
    totals = np.zeros(len(terms), dtype=np.int64)
    for run, rank in zip(runs, ranks, strict=True):
        totals[rank] += run.counts
    cuts = np.searchsorted(np.cumsum(totals), np.arange(chunk, int(totals.sum()), chunk), side="right")
    bounds = [0, *sorted(set(cuts.tolist()) - {0, len(terms)}), len(terms)]
    term_firsts = [firsts(np.asarray(run.counts)) for run in runs]
    # Each run's postings and occurrences are taken in order, a range at a time: where its next range begins.
    occurrences = [0] * len(runs)
    for low, high in zip(bounds, bounds[1:], strict=False):
        parts = []
        for i, (run, rank, term_first) in enumerate(zip(runs, ranks, term_firsts, strict=True)):
            a, b = np.searchsorted(rank, [low, high])
            if a == b:
                continue
            p0 = int(term_first[a])
            p1 = int(term_first[b]) if b < len(term_first) else len(run.docs)
            o0 = occurrences[i]
            o1 = occurrences[i] = o0 + int(np.sum(run.freqs[p0:p1], dtype=np.int64))
            parts.append((np.repeat(rank[a:b], run.counts[a:b]), run, slice(p0, p1), slice(o0, o1)))
        yield _join(terms[low:high], low, parts)


def _join(terms: list[bytes], low: int, parts: list[tuple[np.ndarray, Run, slice, slice]]) -> Run:
    """Postings of one or several runs for the same terms, put in term order (a term's earlier runs first)."""
    ranks = np.concatenate([p[0] for p in parts])
    docs = np.concatenate([np.asarray(run.docs[p]) for _, run, p, _ in parts])
    freqs = np.concatenate([np.asarray(run.freqs[p]) for _, run, p, _ in parts]).astype(np.int64)
    sort = np.argsort(ranks, kind="stable")
    occ = None
    if parts[0][1].positions is not None:
        moved = freqs[sort]
        occ = np.repeat(firsts(freqs)[sort] - firsts(moved), moved) + np.arange(int(moved.sum()))
    columns = {}
    if parts[0][1].weights is not None:
        columns["weights"] = np.concatenate([np.asarray(run.weights[p]) for _, run, p, _ in parts])[sort]
    for name in ("positions", "starts", "ends"):
        if getattr(parts[0][1], name) is not None:
            columns[name] = np.concatenate([np.asarray(getattr(run, name)[o]) for _, run, _, o in parts])[occ]
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


def remove(run: Run) -> None:
    """Delete a saved run's files."""
    if isinstance(run, SavedRun):
        for suffix in (".terms", *(f".{f.name}.npy" for f in fields(Run)[1:])):
            if os.path.exists(run.path + suffix):
                os.remove(run.path + suffix)
