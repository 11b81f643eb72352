"""Writing postings in the array layout: Whoosh's W3 field writer with our postings writer and a values file."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import chain
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from indexer.index.codec import bulk, layout

VALUES_EXT = ".pos"
# Written first in each file, so no record starts at offset 0 (and an empty file can still be memory-mapped).
FILE_MAGIC = b"NFv1"


class ArrayPostingsWriter(W3PostingsWriter):
    """Gathers a term's postings in W3's blocks (so the term info's statistics are W3's, to the bit) and writes
    them as one record of typed arrays when the term ends."""

    def __init__(self, postfile: StructFile, valuefile: StructFile, blocklimit: int = layout.BLOCK) -> None:
        super().__init__(postfile, blocklimit, byteids=False, compression=0, inlinelimit=0)
        self._valuefile = valuefile

    def start_postings(self, format_: Any, terminfo: W3TermInfo) -> None:
        """Begin a term."""
        super().start_postings(format_, terminfo)
        self._term_ids = array("I")
        self._term_weights = array("f")
        self._term_values: list[bytes] = []
        self._blocks: list[tuple[int, float, int, int]] = []

    def add_posting(self, id_: int, weight: float, vbytes: bytes, length: int | None = None) -> None:
        """Add one posting (W3's, without its per-posting type checks, keeping empty values in step)."""
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        self._values.append(vbytes)
        if weight > self._maxweight:
            self._maxweight = weight
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last: bool = False) -> None:
        # A block only adds to the term's arrays; the record is written whole by finish_postings.
        self._terminfo.add_block(self)
        self._term_ids.extend(self._ids)
        self._term_weights.extend(self._weights)
        self._term_values.extend(self._values)
        self._blocks.append(
            (self._ids[-1], float(self._maxweight), length_to_byte(self._minlength), length_to_byte(self._maxlength))
        )
        self._blockcount += 1
        self._new_block()

    def finish_postings(self) -> W3TermInfo:
        """Write the term's record and return its term info."""
        if self._ids:
            self._write_block(last=True)
        terminfo = self._terminfo
        record, values = layout.encode(
            np.frombuffer(self._term_ids, dtype=np.uint32).astype(np.int64),
            np.frombuffer(self._term_weights, dtype=np.float32),
            self._blocks,
            self._valuefile.tell(),
            self._term_values,
            self._format,
        )
        start = self._postfile.tell()
        self._postfile.write(record)
        self._valuefile.write(values)
        terminfo.set_extent(start, len(record))
        self._terminfo = None
        return terminfo


class HashBucket:
    """One of the term table's 256 hash buckets, its ``(hash, position)`` pairs in two arrays: Whoosh's
    ``HashWriter`` keeps a tuple of two ints a term (about 128 bytes) until the segment is written, here 12 bytes.
    Whoosh only appends to a bucket, takes its length and walks its pairs in order, so the table is the same."""

    def __init__(self) -> None:
        self.hashes = array("I")
        self.positions = array("q")

    def append(self, pair: tuple[int, int]) -> None:
        """Add one key's hash and position."""
        self.hashes.append(pair[0])
        self.positions.append(pair[1])

    def extend(self, hashes: np.ndarray, positions: np.ndarray) -> None:
        """Add keys' hashes (uint32) and positions (int64), in order."""
        self.hashes.frombytes(hashes.astype(np.uint32).tobytes())
        self.positions.frombytes(positions.astype(np.int64).tobytes())

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.hashes, self.positions, strict=True)


class ArrayFieldWriter(W3FieldWriter):
    """W3's field writer (its term index is kept, with compact hash buckets) writing postings with
    ``ArrayPostingsWriter``."""

    def __init__(self, codec: Any, storage: Any, segment: Any) -> None:
        super().__init__(codec, storage, segment)
        self._tindex.buckets = [HashBucket() for _ in self._tindex.buckets]
        self._postfile.write(FILE_MAGIC)
        self._valuefile = self._create_file(VALUES_EXT)
        self._valuefile.write(FILE_MAGIC)

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        """Begin a field."""
        super().start_field(fieldname, fieldobj)
        self._postwriter = ArrayPostingsWriter(self._postfile, self._valuefile, self._codec._blocklimit)

    def add_arrays(self, chunk: bulk.TermPostings) -> None:
        """Write a run of the current field's terms from arrays (after ``start_field``; terms ascending, after any
        written before in this field)."""
        if not chunk.terms:
            return
        records, values, infos = bulk.encode(chunk, self._format, self._postfile.tell(), self._valuefile.tell())
        self._postfile.write(records)
        self._valuefile.write(values)
        prefix = pack_ushort(self._fieldid)
        add_ordered(self._tindex, [prefix + term for term in chunk.terms], infos)

    def close(self) -> None:
        """Close the term index, postings and values files."""
        super().close()
        self._valuefile.close()


def add_ordered(table: OrderedHashWriter, keys: list[bytes], values: list[bytes]) -> None:
    """``table.add`` of each key and value (keys ascending), in one write."""
    if keys[0] <= table.lastkey or any(a >= b for a, b in zip(keys, keys[1:], strict=False)):
        raise ValueError(f"keys must increase: {table.lastkey!r}..{keys[0]!r}")
    dbfile = table.dbfile
    sizes = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)) + np.fromiter(
        map(len, values), dtype=np.int64, count=len(values)
    )
    positions = dbfile.tell() + np.cumsum(sizes + 8) - (sizes + 8)
    lengths = np.empty((len(keys), 2), dtype=">i4")
    lengths[:, 0] = [len(k) for k in keys]
    lengths[:, 1] = [len(v) for v in values]
    prefixes = lengths.tobytes()
    heads = [prefixes[k : k + 8] for k in range(0, len(prefixes), 8)]
    dbfile.write(b"".join(chain.from_iterable(zip(heads, keys, values, strict=True))))
    table.index.append(int(positions[-1]))  # widens the index's type first if the last position needs it
    table.index.array.pop()
    table.index.array.extend(positions.tolist())
    # Each key's hash into its bucket (``hash & 255``), buckets filled in key order.
    hashes = np.fromiter(map(table.hashfn, keys), dtype=np.uint32, count=len(keys))
    low = hashes & 255
    order = np.argsort(low, kind="stable")
    bounds = np.searchsorted(low[order], np.arange(257))
    for bucket in np.flatnonzero(np.diff(bounds)).tolist():
        chosen = order[bounds[bucket] : bounds[bucket + 1]]
        table.buckets[bucket].extend(hashes[chosen], positions[chosen])
    table.lastkey = keys[-1]
