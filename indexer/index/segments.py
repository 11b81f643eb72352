"""The segment writers every build uses: Whoosh's, analysing each document in its language, and the batch writer.

The batch writer takes documents in batches, analysed by ``indexer.index.batch.BatchAnalyzer``; it writes what
Whoosh's ``add_document`` writes (``tests/test_batch.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.index.batch import BatchAnalyzer, UnsupportedAnalyzer
from indexer.index.languages import in_language


class _Lengths:
    """Field lengths kept in memory while a segment is written, as the codec would read them back."""

    def __init__(self) -> None:
        self.by_field: dict[str, dict[int, int]] = {}

    def add(self, fieldname: str, docnum: int, length: int) -> None:
        byte = length_to_byte(length)
        if byte:
            self.by_field.setdefault(fieldname, {})[docnum] = byte_to_length(byte)

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """The quantised length Whoosh stores for the field (``default`` when none)."""
        return self.by_field.get(fieldname, {}).get(docnum, default)


class LanguageSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, analysing each document's text in its ``language`` field's language."""

    def add_document(self, **fields: Any) -> None:
        """Add one document, as Whoosh does, in its language."""
        with in_language(fields.get("language")):
            super().add_document(**fields)


class BatchSegmentWriter(LanguageSegmentWriter):
    """A Whoosh segment writer that takes documents in batches, analysed by ``BatchAnalyzer``.

    It writes what ``add_document`` writes (stored fields, lengths, columns, postings through the pool), except for
    a vocabulary field (``field.vocabulary``): there each word gets one posting per segment, weighted by the
    number of documents holding it, instead of one per document (the unstemmed vocabulary was 48% of a build's
    postings). When it flushes, the field lengths come from memory instead of being read back from the lengths
    column once per posting (13 s of an 85 s build in a profile).
    """

    def _setup(self) -> None:
        if any(f.vector or f.separate_spelling() for _, f in self.schema.items()):
            raise UnsupportedAnalyzer("term vectors and spelling fields are written by add_document only")
        self.batch_analyzer = BatchAnalyzer(self.schema)
        self.lengths = _Lengths()
        # Vocabulary fields: {fieldname: {term: [first docnum, documents]}}, written once per segment.
        self.vocabulary: dict[str, dict[bytes, list[int]]] = {n: {} for n in self.batch_analyzer.vocabularies}

    def add_batch(self, docs: Sequence[dict[str, Any]]) -> None:
        """Add documents (dicts of field values, as for ``add_document``)."""
        if not hasattr(self, "lengths"):
            self._setup()
        analysed = self.batch_analyzer.items(docs)
        for fields, items in zip(docs, analysed, strict=True):
            self._add(fields, items)

    def _add(self, fields: dict[str, Any], analysed: dict[str, list[tuple[bytes, int, float, bytes]]]) -> None:
        self._check_state()
        schema, docnum, add_post, perdoc = self.schema, self.docnum, self.pool.add, self.perdocwriter
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
                if name in self.vocabulary and name in analysed:
                    counts = self.vocabulary[name]
                    for term in analysed[name]:
                        if term in counts:
                            counts[term][1] += 1
                        else:
                            counts[term] = [docnum, 1]
                elif field.indexed:
                    items = analysed.get(name)
                    if items is None:
                        with in_language(fields.get("language")):
                            items = list(field.index(value))
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in items:
                        if scorable:
                            length += freq
                        add_post((name, tbytes, docnum, weight, vbytes))
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

    def _flush_segment(self) -> None:
        if not hasattr(self, "lengths"):
            return super()._flush_segment()
        self.perdocwriter.close()
        for name, counts in self.vocabulary.items():
            weight = self.schema[name].format.field_boost
            for term, (first, docs) in counts.items():
                self.pool.add((name, term, first, docs * weight, pack_uint(docs)))
        lengths = self.lengths if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
