"""Reading postings in the array layout: memory-mapped files, and the matcher Whoosh's searcher walks."""

from __future__ import annotations

import mmap
import os
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from whoosh.codec.base import Automata
from whoosh.codec.whoosh3 import W3PerDocReader, W3TermInfo, W3TermsReader
from whoosh.filedb.structfile import StructFile
from whoosh.matching import LeafMatcher, ReadTooFar
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from indexer.index.codec.layout import BLOCK, TermRecord
from indexer.index.codec.values import CHARACTERS

# Term infos a segment's reader keeps (about 200 bytes each); past this many, it starts again.
TERM_INFOS = 8192


def mapped(file: StructFile) -> memoryview:
    """The file's bytes, memory-mapped when it is a real file (so server workers share the page cache); the
    file itself is closed (the map keeps its own handle)."""
    try:
        if file.is_real:
            return memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
        file.seek(0)
        return memoryview(file.read())  # a file inside a compound segment or in memory
    finally:
        file.close()


class MappedFile(StructFile):
    """A Whoosh structured file read from a memory map: a read is a slice of the map, not a seek and a system
    call."""

    def get(self, position: int, length: int) -> bytes:
        """``length`` bytes at ``position``."""
        return self.file[position : position + length]


def mapped_file(file: StructFile) -> StructFile:
    """The file as a ``MappedFile`` when it is a real, non-empty file (else the file itself)."""
    if not file.is_real or os.fstat(file.fileno()).st_size == 0:
        return file
    try:
        return MappedFile(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ), name=file._name)
    finally:
        file.close()


class MappedPerDocReader(W3PerDocReader):
    """W3's reader of stored fields, field lengths and columns, on memory-mapped column files."""

    def _get_column_file(self, fieldname: str) -> tuple[StructFile, int, int]:
        colfile, offset, length = super()._get_column_file(fieldname)
        return mapped_file(colfile), offset, length


class CachedAutomata(Automata):
    """Whoosh's typo-tolerance automata, each built once per word: a typo-tolerant word is looked up in every field
    and segment, twice (to estimate, then to match), and Whoosh built its automaton afresh each time (a few ms)."""

    @staticmethod
    def levenshtein_dfa(uterm: str, maxdist: int, prefix: int = 0) -> Any:
        """The automaton of the words within ``maxdist`` edits of ``uterm`` (its first ``prefix`` letters kept)."""
        return _levenshtein_dfa(uterm, maxdist, prefix)


@lru_cache(maxsize=1024)
def _levenshtein_dfa(uterm: str, maxdist: int, prefix: int) -> Any:
    return Automata.levenshtein_dfa(uterm, maxdist, prefix)


class ArrayTermsReader(W3TermsReader):
    """W3's term index, with postings and values read from memory-mapped arrays, and the term infos last looked up
    kept (a search asks for the same term's info several times: to plan, to score, to highlight, to explain)."""

    def __init__(
        self, codec: Any, dbfile: StructFile, length: int, postfile: StructFile, valuefile: StructFile
    ) -> None:
        super().__init__(codec, dbfile, length, postfile)
        self.postings_map = mapped(postfile)
        self.values_map = mapped(valuefile)
        self.infos: dict[tuple[str, bytes], W3TermInfo | None] = {}

    def info(self, fieldname: str, tbytes: bytes) -> W3TermInfo | None:
        """The term's info, None when the segment does not have the term."""
        key = (fieldname, tbytes)
        try:
            return self.infos[key]
        except KeyError:
            pass
        try:
            info = W3TermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            info = None
        if len(self.infos) >= TERM_INFOS:
            self.infos.clear()
        self.infos[key] = info
        return info

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        return self.info(*term) is not None

    def term_info(self, fieldname: str, tbytes: bytes) -> W3TermInfo:
        """The term's info (raises TermNotFound)."""
        if (info := self.info(fieldname, tbytes)) is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return info

    def frequency(self, fieldname: str, tbytes: bytes) -> float:
        """The term's occurrences, weighted (raises KeyError, as Whoosh's does)."""
        if (info := self.info(fieldname, tbytes)) is None:
            raise KeyError((fieldname, tbytes))
        return info.weight()

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> int:
        """The number of documents with the term (raises KeyError, as Whoosh's does)."""
        if (info := self.info(fieldname, tbytes)) is None:
            raise KeyError((fieldname, tbytes))
        return info.doc_frequency()

    def record(self, terminfo: W3TermInfo) -> TermRecord:
        """A term's postings record."""
        return TermRecord(self.postings_map, terminfo.extent()[0], self.values_map)

    def matcher(self, fieldname: str, tbytes: bytes, format_: Any, scorer: Any = None) -> ArrayMatcher:
        """A matcher over a term's postings (raises TermNotFound)."""
        record = self.record(self.term_info(fieldname, tbytes))
        return ArrayMatcher(record, format_, term=(fieldname, tbytes), scorer=scorer)

    def close(self) -> None:
        """Close the term index and the maps (each map holds a file descriptor); a map that arrays still view
        (a caller kept a posting list) is released with the last of them instead."""
        self._tindex.close()
        for view in (self.postings_map, self.values_map):
            target = view.obj
            try:
                view.release()
                if isinstance(target, mmap.mmap):
                    target.close()
            except BufferError:
                pass


class ArrayMatcher(LeafMatcher):
    """Whoosh's leaf matcher interface over a ``TermRecord``, one decoded block at a time."""

    def __init__(
        self, record: TermRecord, format_: Any, term: tuple[str, bytes] | None = None, scorer: Any = None
    ) -> None:
        self.record = record
        self.format = format_
        self._term = term
        self.scorer = scorer
        self.reset()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._term!r}, {self.is_active()})"

    def reset(self) -> None:
        """Go back to the first posting."""
        self._goto(0)

    def copy(self) -> ArrayMatcher:
        """A matcher at the same posting."""
        other = ArrayMatcher(self.record, self.format, self._term, self.scorer)
        if other._block != self._block:
            other._goto(self._block)
        other._i = self._i
        return other

    def _goto(self, block: int) -> None:
        self._block = block
        self._i = 0
        self._weights: list[float] | None = None
        self._atend = block >= self.record.blocks
        # Python ints: the ids end up in Whoosh's results, where numpy integers would leak into callers.
        self._ids: list[int] = [] if self._atend else self.record.block_ids(block).tolist()

    def is_active(self) -> bool:
        """Whether a posting is current."""
        return not self._atend

    def id(self) -> int:
        """The current document id."""
        return self._ids[self._i]

    def next(self) -> bool:
        """Move to the next posting; True when that entered another block."""
        self._i += 1
        if self._i < len(self._ids):
            return False
        self._goto(self._block + 1)
        return True

    def skip_to(self, targetid: int) -> None:
        """Move to the first posting at or after ``targetid``, skipping whole blocks by their last id."""
        if self._atend:
            raise ReadTooFar
        if targetid <= self._ids[self._i]:
            return
        if targetid > self._ids[-1]:
            block = self._block + int(self.record.last_ids[self._block :].searchsorted(targetid))
            self._goto(block)
            if self._atend:
                return
        self._i = bisect_left(self._ids, targetid, self._i)

    def skip_to_quality(self, minquality: float) -> int:
        """Skip the blocks whose best possible score is no more than ``minquality``; how many were skipped."""
        skipped = 0
        while not self._atend and self.block_quality() <= minquality:
            self._goto(self._block + 1)
            skipped += 1
        return skipped

    def weight(self) -> float:
        """The current posting's weight."""
        if self._weights is None:
            start = self._block * BLOCK
            self._weights = self.record.weights(start, start + len(self._ids)).tolist()
        return self._weights[self._i]

    def value(self) -> bytes | None:
        """The current posting's encoded value (positions, characters), as the field's format encodes it."""
        return self.record.values.value(self._block * BLOCK + self._i, self.format)

    def value_as(self, astype: str) -> Any:
        """The current posting's value decoded; positions and characters straight from the arrays."""
        values = self.record.values
        if astype in ("positions", "characters") and values.native and self.format.supports(astype):
            occurrences = values.occurrences(self._block * BLOCK + self._i)
            if astype == "positions" and values.kind == CHARACTERS:
                return [o[0] for o in occurrences]
            return occurrences
        return super().value_as(astype)

    def all_ids(self) -> Any:
        """The ids from the current posting on."""
        while not self._atend:
            yield from self._ids[self._i :]
            self._goto(self._block + 1)

    def block_min_id(self) -> int:
        """The block's first id."""
        return self._ids[0]

    def block_max_id(self) -> int:
        """The block's last id."""
        return int(self.record.last_ids[self._block])

    def block_min_length(self) -> int:
        """The shortest field among the block's documents."""
        return byte_to_length(int(self.record.shortest[self._block]))

    def block_max_length(self) -> int:
        """The longest field among the block's documents."""
        return byte_to_length(int(self.record.longest[self._block]))

    def block_max_weight(self) -> float:
        """The block's largest weight."""
        return float(self.record.top_weights[self._block])
