"""newsfind's Whoosh codec: W3's term index, stored fields and columns, with postings as typed arrays.

Whoosh records each segment's codec in the index, so Whoosh's own reader, searcher, query classes, highlighter
and ``more_like`` open an index in this format as they open a W3 one. Only the postings differ (see ``layout``).
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import Index

from indexer.index.codec.layout import BLOCK
from indexer.index.codec.reader import ArrayMatcher, ArrayTermsReader, CachedAutomata, MappedPerDocReader, mapped_file
from indexer.index.codec.writer import VALUES_EXT, ArrayFieldWriter

__all__ = ["ArrayCodec", "ArrayMatcher", "codec", "uses_current_codec"]


class ArrayCodec(W3Codec):
    """W3 with postings as typed arrays (``.pst`` ids and weights, ``.pos`` values); every file of a segment is
    read through a memory map, so server workers share one copy in the page cache."""

    # Bumped when the layout changes: an index written with another version is rebuilt.
    VERSION = 1

    def __init__(self) -> None:
        super().__init__(blocklimit=BLOCK, compression=0, inlinelimit=0)
        self.version = self.VERSION

    def field_writer(self, storage: Any, segment: Any) -> ArrayFieldWriter:
        """The writer of a segment's terms and postings."""
        return ArrayFieldWriter(self, storage, segment)

    def per_document_reader(self, storage: Any, segment: Any) -> MappedPerDocReader:
        """The reader of a segment's stored fields, lengths and columns."""
        return MappedPerDocReader(storage, segment)

    def automata(self, storage: Any, segment: Any) -> CachedAutomata:
        """Whoosh's typo-tolerance automata, each built once per word."""
        return CachedAutomata()

    def terms_reader(self, storage: Any, segment: Any) -> ArrayTermsReader:
        """The reader of a segment's terms and postings."""
        tiname = segment.make_filename(self.TERMS_EXT)
        return ArrayTermsReader(
            self,
            mapped_file(storage.open_file(tiname)),
            storage.file_length(tiname),
            segment.open_file(storage, self.POSTS_EXT),
            segment.open_file(storage, VALUES_EXT),
        )


def codec() -> ArrayCodec:
    """The codec every index segment is written with."""
    return ArrayCodec()


def uses_current_codec(ix: Index) -> bool:
    """Whether every segment of the index was written by this version of our codec (else: rebuild in full)."""
    for segment in ix._segments():
        written = segment.codec()
        if not isinstance(written, ArrayCodec) or getattr(written, "version", None) != ArrayCodec.VERSION:
            return False
    return True
