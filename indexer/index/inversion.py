"""A segment's postings kept as arrays while it is written, inverted with numpy (the writer: ``segments.py``).

Each batch-analysed field keeps its documents' tokens as flat arrays of term ids (``rules.Tokens``): no posting
is a Python object. Past a memory limit the tokens are inverted into a run (sorted by term, then document, with
positions and characters) saved to the writer's temporary folder; when the segment is written, the runs are merged
a range of terms at a time (``runs.py``) for the field writer. A vocabulary field keeps, per
term, its first document and how many documents hold it.
"""

from __future__ import annotations

import os
from array import array
from typing import Any

import numpy as np

from indexer.index.codec.bulk import firsts
from indexer.index.rules import STOPPED_ID, Tokens
from indexer.index.runs import Run, SavedRun, merged, postings, remove

# Inverting tokens takes some six times the memory they are kept in (its int64 temporaries): tokens are inverted
# and spilled when that would pass the writer's memory limit.
INVERSION_COST = 6


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
        # 32-bit work arrays: inverting is the writer's peak of memory.
        ids = np.frombuffer(self.ids, dtype=np.int32)
        sizes = np.frombuffer(self.sizes, dtype=np.int32).astype(np.int64)
        entry = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        index = np.arange(len(ids), dtype=np.int32) - firsts(sizes).astype(np.int32)[entry]
        kept = ids != STOPPED_ID
        positions = _positions(index, kept, entry, sizes, np.frombuffer(self.renumber, dtype=np.int8).astype(bool))
        docs = np.frombuffer(self.docs, dtype=np.int32)[entry][kept]
        del entry, index
        ids, positions = ids[kept], positions[kept]
        spans = np.frombuffer(self.spans, dtype=np.uint32).reshape(-1, 2)[kept] if self.chars else None
        self.__init__(self.chars)  # type: ignore[misc]
        if not len(ids):  # every word dropped
            return None
        present = np.flatnonzero(np.bincount(ids))
        names = [terms[i] for i in present.tolist()]
        order = sorted(range(len(names)), key=names.__getitem__)
        rank = np.empty(int(present[-1]) + 1, dtype=np.int32)
        rank[present[order]] = np.arange(len(order))
        ranks = rank[ids]
        sort = np.lexsort((docs, ranks))  # stable: a document's tokens stay in their order
        del ids
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


def _positions(
    index: np.ndarray, kept: np.ndarray, entry: np.ndarray, sizes: np.ndarray, renumber: np.ndarray
) -> np.ndarray:
    """Each token's position: its place among the text's words, or, renumbered as Whoosh's StopFilter does, the
    first kept word's place and then one more for each kept word."""
    if not renumber.any():
        return index
    index = index.astype(np.int64)
    starts, nonempty = firsts(sizes), sizes > 0
    seen = np.cumsum(kept)  # kept words up to each token
    before = np.zeros(len(sizes), dtype=np.int64)  # kept words before each text
    before[nonempty] = (seen - kept)[starts[nonempty]]
    rank = seen - before[entry] - 1  # a kept token's rank among its text's kept words
    big = np.iinfo(np.int64).max // 2
    first_kept = np.full(len(sizes), big, dtype=np.int64)
    first_kept[nonempty] = np.minimum.reduceat(np.where(kept, index, big), starts[nonempty])
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


class SegmentPostings:
    """Every batch-analysed field's postings in a segment being written, as arrays (spilled past ``limit`` bytes
    into ``folder``, when there is one)."""

    def __init__(self, schema: Any, terms: list[bytes], vocabularies: set[str], limit: int, folder: str | None) -> None:
        self.schema, self.terms, self.limit, self.folder = schema, terms, limit, folder
        self.tokens: dict[str, FieldTokens | FieldItems] = {}
        self.vocabularies = {name: VocabularyCounts() for name in vocabularies}
        self.runs: dict[str, list[Run | SavedRun]] = {}
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
        """Invert the pending tokens into runs on disk when inverting them would take more than the limit."""
        held = sum(b.nbytes for b in self.tokens.values()) + sum(v.nbytes for v in self.vocabularies.values())
        if held * INVERSION_COST <= self.limit:
            return
        for vocabulary in self.vocabularies.values():
            vocabulary.fold()
        for name, buffer in self.tokens.items():
            run = buffer.invert(self.terms)
            if run is None:
                continue
            if self.folder is None:
                self.runs.setdefault(name, []).append(run)
            else:
                self.runs.setdefault(name, []).append(run.save(os.path.join(self.folder, f"direct-{self.spilled}")))
                self.spilled += 1

    def write(self, name: str, fieldwriter: Any, lengths: np.ndarray) -> None:
        """Write the field's terms and postings through the field writer (an ``ArrayFieldWriter``)."""
        field = self.schema[name]
        runs: list[Run | SavedRun]
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
