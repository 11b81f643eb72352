"""A segment's postings kept as arrays while it is written, inverted with numpy (the writer: ``segments.py``).

Each batch-analysed field keeps its documents' tokens as flat arrays of term ids (``batch.Tokens``): no posting
is a Python object. Past a memory limit the tokens are inverted into a run (sorted by term, then document, with
positions and characters) saved to the writer's temporary folder; when the segment is written, the runs are merged
a range of terms at a time into ``codec.bulk.TermPostings`` for the field writer. A vocabulary field keeps, per
term, its first document and how many documents hold it.
"""

from __future__ import annotations

import os
import pickle
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from indexer.index.batch import STOPPED_ID, Tokens
from indexer.index.codec.bulk import TermPostings

# Postings merged and written at a time when a segment is written from several runs.
CHUNK_POSTINGS = 1 << 20


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


def _firsts(counts: np.ndarray) -> np.ndarray:
    return np.cumsum(counts) - counts


class FieldTokens:
    """One field's tokens, document by document, until they are inverted into a run."""

    def __init__(self, chars: bool) -> None:
        self.chars = chars
        # Documents come a set of rules at a time (a language's), not in order: inverting sorts by document too.
        self.ids = array("i")
        self.spans = array("I")
        self.docs = array("i")
        self.sizes = array("i")
        self.renumber = array("b")

    def add(self, docnums: np.ndarray, tokens: Tokens) -> None:
        """Add documents' tokens (``docnums``: each text's document)."""
        self.ids.frombytes(tokens.ids.astype(np.int32).tobytes())
        if tokens.spans is not None:
            self.spans.frombytes(tokens.spans.astype(np.uint32).tobytes())
        self.docs.frombytes(docnums.astype(np.int32).tobytes())
        self.sizes.frombytes(tokens.counts.astype(np.int32).tobytes())
        self.renumber.extend([tokens.renumber] * len(docnums))

    @property
    def nbytes(self) -> int:
        """The memory the tokens hold."""
        return 4 * (len(self.ids) + len(self.spans)) + 9 * len(self.docs)

    def invert(self, terms: list[bytes]) -> Run | None:
        """The tokens as a run (``terms``: each id's term), and the buffer emptied."""
        if not len(self.ids):
            return None
        ids = np.frombuffer(self.ids, dtype=np.int32).astype(np.int64)
        sizes = np.frombuffer(self.sizes, dtype=np.int32).astype(np.int64)
        entry = np.repeat(np.arange(len(sizes)), sizes)
        index = np.arange(len(ids)) - _firsts(sizes)[entry]
        kept = ids != STOPPED_ID
        positions = _positions(index, kept, entry, sizes, np.frombuffer(self.renumber, dtype=np.int8).astype(bool))
        docs = np.frombuffer(self.docs, dtype=np.int32)[entry][kept]
        ids, positions = ids[kept], positions[kept]
        spans = np.frombuffer(self.spans, dtype=np.uint32).reshape(-1, 2)[kept] if self.chars else None
        self.__init__(self.chars)  # type: ignore[misc]
        present = np.flatnonzero(np.bincount(ids))
        names = [terms[i] for i in present.tolist()]
        order = sorted(range(len(names)), key=names.__getitem__)
        rank = np.empty(int(present[-1]) + 1, dtype=np.int64)
        rank[present[order]] = np.arange(len(order))
        ranks = rank[ids]
        sort = np.lexsort((docs, ranks))  # stable: a document's tokens stay in their order
        ranks, docs = ranks[sort], docs[sort]
        new = np.ones(len(ranks), dtype=bool)
        new[1:] = (ranks[1:] != ranks[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(new)
        posting_ranks = ranks[starts]
        return Run(
            terms=[names[i] for i in order],
            counts=np.bincount(posting_ranks, minlength=len(order)),
            docs=docs[starts].astype(np.uint32),
            freqs=np.diff(np.append(starts, len(ranks))).astype(np.uint32),
            positions=positions[sort].astype(np.uint32),
            starts=None if spans is None else spans[sort, 0],
            ends=None if spans is None else spans[sort, 1],
        )


def _positions(index: np.ndarray, kept: np.ndarray, entry: np.ndarray, sizes: np.ndarray, renumber: np.ndarray):
    """Each token's position: its place among the document's words, or, renumbered as Whoosh's StopFilter does,
    the first kept word's place and then one more for each kept word."""
    if not renumber.any():
        return index
    seen = np.cumsum(kept)
    before = (seen - kept)[_firsts(sizes)[sizes > 0]]
    firsts = np.full(len(sizes), 0, dtype=np.int64)
    firsts[sizes > 0] = before
    rank = seen - firsts[entry] - 1
    big = np.iinfo(np.int64).max
    first_kept = np.full(len(sizes), big, dtype=np.int64)
    nonempty = sizes > 0
    first_kept[nonempty] = np.minimum.reduceat(np.where(kept, index, big), _firsts(sizes)[nonempty])
    return np.where(renumber[entry], first_kept[entry] + rank, index)


class FieldItems:
    """A field analysed by Whoosh (an id, a keyword, a date): its postings as ``field.index()`` yields them."""

    def __init__(self) -> None:
        self.terms: list[bytes] = []
        self.docs = array("i")
        self.freqs = array("i")
        self.weights = array("d")

    def add(self, docnum: int, items: list[tuple[bytes, int, float, bytes]]) -> int:
        """Add a document's ``(tbytes, freq, weight, vbytes)`` items; the sum of their frequencies."""
        terms, freqs, weights, _ = zip(*items, strict=True) if items else ((), (), (), ())
        self.terms.extend(terms)
        self.docs.extend([docnum] * len(terms))
        self.freqs.extend(freqs)
        self.weights.extend(weights)
        return sum(freqs)

    @property
    def nbytes(self) -> int:
        """The memory the postings hold (about)."""
        return 80 * len(self.terms)

    def invert(self, terms: list[bytes]) -> Run | None:
        """The postings as a run, and the buffer emptied."""
        if not self.terms:
            return None
        names = sorted(set(self.terms))
        where = {term: i for i, term in enumerate(names)}
        ranks = np.fromiter(map(where.__getitem__, self.terms), dtype=np.int64, count=len(self.terms))
        sort = np.argsort(ranks, kind="stable")
        run = Run(
            terms=names,
            counts=np.bincount(ranks, minlength=len(names)),
            docs=np.frombuffer(self.docs, dtype=np.int32)[sort].astype(np.uint32),
            freqs=np.frombuffer(self.freqs, dtype=np.int32)[sort].astype(np.uint32),
            weights=np.frombuffer(self.weights, dtype=np.float64)[sort],
        )
        self.__init__()  # type: ignore[misc]
        return run


class VocabularyCounts:
    """A vocabulary field: per term id, the first document holding it and how many do."""

    def __init__(self) -> None:
        self.ids = array("i")
        self.docs = array("i")
        self.first = np.zeros(0, dtype=np.int64)
        self.count = np.zeros(0, dtype=np.int64)

    def add(self, docnums: np.ndarray, tokens: Tokens) -> None:
        """Add documents' words (``docnums``: each text's document)."""
        kept = tokens.ids != STOPPED_ID
        self.ids.frombytes(tokens.ids[kept].astype(np.int32).tobytes())
        self.docs.frombytes(np.repeat(docnums, tokens.counts)[kept].astype(np.int32).tobytes())

    @property
    def nbytes(self) -> int:
        """The memory the pending pairs hold."""
        return 8 * len(self.ids)

    def fold(self) -> None:
        """Count the pending documents in."""
        if not len(self.ids):
            return
        # Each (term, document) once, by term then document: a term's first pair has its first document.
        docs = np.frombuffer(self.docs, dtype=np.int32).astype(np.int64)
        span = int(docs.max()) + 1
        pairs = np.sort(np.frombuffer(self.ids, dtype=np.int32).astype(np.int64) * span + docs)
        pairs = pairs[np.append(True, pairs[1:] != pairs[:-1])]
        ids, docs = pairs // span, pairs % span
        first = np.flatnonzero(np.append(True, ids[1:] != ids[:-1]))
        present, count = ids[first], np.diff(np.append(first, len(ids)))
        if len(self.first) <= present[-1]:
            grow = int(present[-1]) + 1 - len(self.first)
            self.first = np.append(self.first, np.full(grow, -1, dtype=np.int64))
            self.count = np.append(self.count, np.zeros(grow, dtype=np.int64))
        self.first[present] = np.where(self.count[present] == 0, docs[first], self.first[present])
        self.count[present] += count
        self.ids, self.docs = array("i"), array("i")

    def run(self, terms: list[bytes]) -> Run | None:
        """One posting per term: its first document, the number of documents as its frequency."""
        self.fold()
        present = np.flatnonzero(self.count)
        if not len(present):
            return None
        names = [terms[i] for i in present.tolist()]
        order = sorted(range(len(names)), key=names.__getitem__)
        chosen = present[order]
        return Run(
            terms=[names[i] for i in order],
            counts=np.ones(len(chosen), dtype=np.int64),
            docs=self.first[chosen],
            freqs=self.count[chosen],
        )


def merged(runs: list[Run], chunk: int | None = None) -> Iterator[Run]:
    """The runs' postings as one, a range of terms at a time (about ``chunk`` postings each)."""
    chunk = chunk or CHUNK_POSTINGS
    if len(runs) == 1 and not isinstance(runs[0], SavedRun):
        yield runs[0]
        return
    run_terms = [run.all_terms() for run in runs]
    terms = sorted(set().union(*run_terms))
    where = {term: i for i, term in enumerate(terms)}
    ranks = [np.fromiter(map(where.__getitem__, names), dtype=np.int64, count=len(names)) for names in run_terms]
    del run_terms, where
    totals = np.zeros(len(terms), dtype=np.int64)
    for run, rank in zip(runs, ranks, strict=True):
        totals[rank] += run.counts
    cuts = np.searchsorted(np.cumsum(totals), np.arange(chunk, int(totals.sum()), chunk), side="right")
    bounds = [0, *sorted(set(cuts.tolist()) - {0, len(terms)}), len(terms)]
    starts = [(_firsts(np.asarray(run.counts)), _firsts(np.asarray(run.freqs, dtype=np.int64))) for run in runs]
    for low, high in zip(bounds, bounds[1:], strict=False):
        parts = []
        for run, rank, (term_first, occ_first) in zip(runs, ranks, starts, strict=True):
            a, b = np.searchsorted(rank, [low, high])
            if a == b:
                continue
            p0 = int(term_first[a])
            p1 = int(term_first[b]) if b < len(term_first) else len(run.docs)
            o0 = int(occ_first[p0]) if p0 < len(occ_first) else 0
            o1 = int(occ_first[p1]) if p1 < len(occ_first) else int(np.sum(run.freqs, dtype=np.int64))
            parts.append((np.repeat(rank[a:b], run.counts[a:b]), run, slice(p0, p1), slice(o0, o1)))
        yield _join(terms[low:high], low, parts)


def _join(terms: list[bytes], low: int, parts: list[tuple[np.ndarray, Run, slice, slice]]) -> Run:
    """Postings of several runs for the same terms, put in term order (a term's earlier runs first)."""
    ranks = np.concatenate([p[0] for p in parts])
    docs = np.concatenate([np.asarray(run.docs[p]) for _, run, p, _ in parts])
    freqs = np.concatenate([np.asarray(run.freqs[p]) for _, run, p, _ in parts]).astype(np.int64)
    sort = np.argsort(ranks, kind="stable")
    occ = None
    if parts[0][1].positions is not None:
        moved = freqs[sort]
        occ = np.repeat(_firsts(freqs)[sort] - _firsts(moved), moved) + np.arange(int(moved.sum()))
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


class SegmentPostings:
    """Every batch-analysed field's postings in a segment being written, as arrays (spilled past ``limit`` bytes
    into ``folder``, when there is one)."""

    def __init__(self, schema: Any, terms: list[bytes], vocabularies: set[str], limit: int, folder: str | None) -> None:
        self.schema, self.terms, self.limit, self.folder = schema, terms, limit, folder
        self.tokens: dict[str, FieldTokens | FieldItems] = {}
        self.vocabularies = {name: VocabularyCounts() for name in vocabularies}
        self.runs: dict[str, list[Run]] = {}
        self.spilled = 0

    def add(self, name: str, docnums: np.ndarray, tokens: Tokens) -> None:
        """Add documents' tokens in a field (``docnums``: each text's document)."""
        if name in self.vocabularies:
            self.vocabularies[name].add(docnums, tokens)
            return
        buffer = self.tokens.get(name)
        if buffer is None:
            buffer = self.tokens[name] = FieldTokens(tokens.spans is not None)
        buffer.add(docnums, tokens)  # type: ignore[arg-type]

    def add_items(self, name: str, docnum: int, items: list[tuple[bytes, int, float, bytes]]) -> int:
        """Add a document's postings in a field analysed by Whoosh (``field.index()``); the field's length."""
        buffer = self.tokens.get(name)
        if buffer is None:
            buffer = self.tokens[name] = FieldItems()
        return buffer.add(docnum, items)  # type: ignore[arg-type]

    def names(self) -> list[str]:
        """The fields with postings."""
        return sorted({*self.tokens, *self.runs, *self.vocabularies})

    def check_memory(self) -> None:
        """Invert the pending tokens into runs on disk when they hold more than the limit."""
        held = sum(b.nbytes for b in self.tokens.values()) + sum(v.nbytes for v in self.vocabularies.values())
        if held <= self.limit:
            return
        for vocabulary in self.vocabularies.values():
            vocabulary.fold()
        for name, buffer in self.tokens.items():
            run = buffer.invert(self.terms)
            if run is not None:
                if self.folder is not None:
                    run = run.save(os.path.join(self.folder, f"direct-{self.spilled}"))
                    self.spilled += 1
                self.runs.setdefault(name, []).append(run)

    def write(self, name: str, fieldwriter: Any, lengths: np.ndarray) -> None:
        """Write the field's terms and postings through the field writer (an ``ArrayFieldWriter``)."""
        field = self.schema[name]
        if name in self.vocabularies:
            runs = [run] if (run := self.vocabularies.pop(name).run(self.terms)) else []
        else:
            runs = self.runs.pop(name, [])
            buffer = self.tokens.pop(name, None)
            if buffer is not None and (run := buffer.invert(self.terms)) is not None:
                runs.append(run)
        if not runs:
            return
        fieldwriter.start_field(name, field)
        for chunk in merged(runs):
            fieldwriter.add_arrays(postings(chunk, field.format.field_boost, lengths))
        fieldwriter.finish_field()
        for run in runs:
            remove(run)
