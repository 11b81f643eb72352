"""Near-duplicate detection: MinHash signatures over word shingles, made at index time, compared at query time."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable

NUM_PERM = 64
SHINGLE = 4
BANDS = 16
ROWS = NUM_PERM // BANDS
# Estimated Jaccard similarity of the shingle sets above which two articles are one story.
THRESHOLD = 0.6
_FORMAT = f">{NUM_PERM}H"


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """The overlapping word n-grams of a text, lowercased (the whole text when it is shorter)."""
    words = re.findall(r"\w+", text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> bytes:
    """A compact MinHash signature (``NUM_PERM`` 16-bit values) of a text; empty for empty text."""
    grams = shingles(text)
    if not grams:
        return b""
    # Imported here: datasketch pulls in numpy and scipy, which only indexing needs.
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch(sorted(grams))
    return struct.pack(_FORMAT, *(int(v) & 0xFFFF for v in minhash.hashvalues))


def similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of two signatures (0 when either is missing)."""
    if len(a) != len(b) or not a:
        return 0.0
    left, right = struct.unpack(_FORMAT, a), struct.unpack(_FORMAT, b)
    return sum(x == y for x, y in zip(left, right, strict=True)) / NUM_PERM


def bands(sig: bytes) -> Iterable[tuple[int, bytes]]:
    """Locality-sensitive bands: signatures that share one are candidate near-duplicates."""
    width = ROWS * 2
    for i in range(BANDS):
        yield i, sig[i * width : (i + 1) * width]


class Grouper:
    """Folds a stream of documents into groups of near-duplicates, the first of each group leading."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._buckets: dict[tuple[int, bytes], list[int]] = {}
        self._sigs: dict[int, bytes] = {}

    def leader(self, docnum: int, sig: bytes) -> int | None:
        """The leading document this one duplicates, or None (and it leads a new group)."""
        if not sig:
            return None
        keys = list(bands(sig))
        for key in keys:
            for other in self._buckets.get(key, ()):
                if similarity(sig, self._sigs[other]) >= self.threshold:
                    return other
        self._sigs[docnum] = sig
        for key in keys:
            self._buckets.setdefault(key, []).append(docnum)
        return None
