"""The segment writers every build uses: Whoosh's, analysing each document in its language, and the batch writer.

The batch writer takes documents in batches, analysed by ``indexer.index.batch.BatchAnalyzer``; it writes what
Whoosh's ``add_document`` writes (``tests/test_batch.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

import numpy as np
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.index.batch import BatchAnalyzer
from indexer.index.codec.writer import ArrayFieldWriter
from indexer.index.inversion import SegmentPostings
from indexer.index.languages import LanguageAnalyzer, in_language
from indexer.index.rules import UnsupportedAnalyzer

# Values of the fields analysed by Whoosh whose postings are remembered (then forgotten all at once).
WHOLE_CACHE = 50_000


class _Lengths:
    """Field lengths kept in memory while a segment is written, as the codec would read them back."""

    def __init__(self) -> None:
        self.by_field: dict[str, bytearray] = {}

    def add(self, fieldname: str, docnum: int, length: int) -> None:
        byte = length_to_byte(length)
        if byte:
            column = self.by_field.setdefault(fieldname, bytearray())
            if len(column) <= docnum:
                column.extend(bytes(docnum + 1 - len(column)))
            column[docnum] = byte

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """The quantised length Whoosh stores for the field (``default`` when none)."""
        column = self.by_field.get(fieldname)
        if column is None or docnum >= len(column) or not column[docnum]:
            return default
        return byte_to_length(column[docnum])

    def bytes(self, fieldname: str) -> np.ndarray:
        """Each document's length byte in the field (0: none), by document number."""
        return np.frombuffer(self.by_field.get(fieldname, bytearray()), dtype=np.uint8).copy()


class LanguageSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, analysing each document's text in its ``language`` field's language."""

    def add_document(self, **fields: Any) -> None:
        """Add one document, as Whoosh does, in its language."""
        with in_language(fields.get("language")):
            super().add_document(**fields)


class BatchSegmentWriter(LanguageSegmentWriter):
    """A Whoosh segment writer that takes documents in batches, analysed by ``BatchAnalyzer``.

    It writes what ``add_document`` writes (stored fields, lengths, columns, postings), except for a vocabulary
    field (``field.vocabulary``): there each word gets one posting per segment, weighted by the number of documents
    holding it, instead of one per document (the unstemmed vocabulary was 48% of a build's postings). The
    batch-analysed fields' postings are kept as arrays of term ids (``inversion.SegmentPostings``) and written
    from them by the codec, many terms at once (``codec.bulk``); the other fields' go through Whoosh's posting
    pool. With ``direct = False`` every posting goes through the pool (``PoolSegmentWriter``, which the tests
    compare it with). The field lengths come from memory instead of being read back from the lengths column once
    per posting.
    """

    direct = True

    def _setup(self) -> None:
        if any(f.vector or f.separate_spelling() for _, f in self.schema.items()):
            raise UnsupportedAnalyzer("term vectors and spelling fields are written by add_document only")
        self.batch_analyzer = BatchAnalyzer(self.schema)
        self.lengths = _Lengths()
        # Postings are written from arrays by our codec's field writer; another codec's takes them from the pool.
        self.direct = self.direct and isinstance(self.fieldwriter, ArrayFieldWriter)
        vocabularies = self.batch_analyzer.vocabularies
        self.postings = SegmentPostings(
            self.schema,
            self.batch_analyzer.vocabulary.terms,
            vocabularies,
            self.pool.limit,
            getattr(self.pool.tempstore, "folder", None),
        )
        # Fields analysed by Whoosh whose postings the codec writes from arrays too (ids, keywords, dates).
        self.whole = {
            name
            for name, field in self.schema.items()
            if field.indexed
            and name not in self.batch_analyzer.rules
            and type(field.format) in (Existence, Frequency)
            and not isinstance(field.analyzer, LanguageAnalyzer)  # analysed the same way in every document
        }
        self.indexed: dict[tuple[str, Any], list[tuple[bytes, int, float, bytes]]] = {}
        # Vocabulary fields through the pool: {fieldname: {term: [first docnum, documents]}}.
        self.vocabulary: dict[str, dict[bytes, list[int]]] = {n: {} for n in vocabularies}

    def add_batch(self, docs: Sequence[dict[str, Any]]) -> None:
        """Add documents (dicts of field values, as for ``add_document``)."""
        if not hasattr(self, "lengths"):
            self._setup()
        if self.direct:
            analysed = self._tokens(docs)
        else:
            analysed = self.batch_analyzer.items(docs)
        for fields, items in zip(docs, analysed, strict=True):
            self._add(fields, items)
        self.postings.check_memory()

    def _tokens(self, docs: Sequence[dict[str, Any]]) -> list[dict[str, int]]:
        """Analyse the batch into the postings' arrays; each document's ``{fieldname: length}`` for those fields."""
        lengths: list[dict[str, int]] = [{} for _ in docs]
        for name, members, tokens in self.batch_analyzer.tokens(docs):
            self.postings.add(name, self.docnum + np.asarray(members, dtype=np.int64), tokens)
            # A vocabulary field has no length (its postings are not per document).
            kept = [0] * len(members) if name in self.vocabulary else tokens.kept().tolist()
            for n, length in zip(members, kept, strict=True):
                lengths[n][name] = length
        return lengths

    def _add(self, fields: dict[str, Any], analysed: dict[str, Any]) -> None:
        self._check_state()
        schema, docnum, perdoc = self.schema, self.docnum, self.perdocwriter
        names = sorted(fields)
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if self.direct and name in analysed:
                    length = analysed[name] if field.scorable else 0
                elif self.direct and name in self.whole:
                    kept = self.postings.add_items(name, docnum, self._index_whole(name, field, value))
                    length = kept if field.scorable else 0
                elif field.indexed:
                    length = self._add_to_pool(name, field, value, fields, analysed)
                perdoc.add_field(name, field, value if field.stored else None, length)
                if length:
                    self.lengths.add(name, docnum, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _index_whole(self, name: str, field: Any, value: Any) -> list[tuple[bytes, int, float, bytes]]:
        """``field.index(value)`` for a field analysed by Whoosh, remembered: dates, languages, sources repeat."""
        try:
            key = (name, value)
            found = self.indexed.get(key)
        except TypeError:  # an unhashable value (a list of keywords)
            return list(field.index(value))
        if found is None:
            if len(self.indexed) >= WHOLE_CACHE:
                self.indexed.clear()
            found = self.indexed[key] = list(field.index(value))
        return found

    def _add_to_pool(self, name: str, field: Any, value: Any, fields: dict[str, Any], analysed: dict[str, Any]) -> int:
        """Add a field's postings to the pool; the field's length."""
        docnum = self.docnum
        if name in self.vocabulary and name in analysed:
            counts = self.vocabulary[name]
            for term in analysed[name]:
                if term in counts:
                    counts[term][1] += 1
                else:
                    counts[term] = [docnum, 1]
            return 0
        items = None if self.direct else analysed.get(name)
        if items is None:
            with in_language(fields.get("language")):
                items = list(field.index(value))
        length, add_post = 0, self.pool.add
        for tbytes, freq, weight, vbytes in items:
            length += freq
            add_post((name, tbytes, docnum, weight, vbytes))
        return length if field.scorable else 0

    def _flush_segment(self) -> None:
        if not hasattr(self, "lengths"):
            return super()._flush_segment()
        self.perdocwriter.close()
        for name, counts in self.vocabulary.items():
            weight = self.schema[name].format.field_boost
            for term, (first, docs) in counts.items():
                self.pool.add((name, term, first, docs * weight, pack_uint(docs)))
        lengths = self.lengths if self.codec.length_stats else None
        direct = self.postings.names() if self.direct else []
        writer = self.fieldwriter
        for name, items in groupby(self.pool.iter_postings(), key=itemgetter(0)):
            if name in direct:
                raise ValueError(f"field {name!r} has postings both as arrays and in the pool")
            while direct and direct[0] < name:
                self._write_direct(direct.pop(0))
            writer.add_postings(self.schema, lengths, items)
        for name in direct:
            self._write_direct(name)
        writer.close()

    def _write_direct(self, name: str) -> None:
        lengths = self.lengths.bytes(name) if self.codec.length_stats else np.zeros(0, dtype=np.uint8)
        self.postings.write(name, self.fieldwriter, lengths)


class PoolSegmentWriter(BatchSegmentWriter):
    """The batch writer with every posting through Whoosh's pool, one posting at a time (for comparisons)."""

    direct = False
