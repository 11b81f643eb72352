"""Near-duplicate detection: MinHash signatures over word shingles, made at index time, compared at query time."""

from __future__ import annotations

import re
import struct

import numpy as np

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


def leaders(signatures: list[bytes], threshold: float = THRESHOLD) -> list[int | None]:
    """Fold a ranked list of signatures into groups of near-duplicates, the first of each group leading: for each
    position, the position of the leader it duplicates, or None when it leads (no signature: it always leads).

    A document is compared with the earlier leaders it shares a locality-sensitive band with (``BANDS`` bands of
    ``ROWS`` values), band by band, earliest leader first. Most documents share no band with any other in the
    list; numpy finds those at once and only the rest are walked one by one.
    """
    found: list[int | None] = [None] * len(signatures)
    valid = [i for i, sig in enumerate(signatures) if len(sig) == NUM_PERM * 2]
    if len(valid) < 2:
        return found
    values = np.frombuffer(b"".join(signatures[i] for i in valid), dtype=">u2").reshape(len(valid), NUM_PERM)
    keys = np.ascontiguousarray(values).view(np.uint64)  # one number per band: its ROWS values side by side
    shared = np.zeros(len(valid), dtype=bool)
    for band in keys.T:
        _, where, counts = np.unique(band, return_inverse=True, return_counts=True)
        shared |= counts[where] > 1
    buckets: dict[tuple[int, int], list[int]] = {}
    for row in np.flatnonzero(shared).tolist():  # in rank order
        lead = next((other for band, key in enumerate(keys[row].tolist()) for other in buckets.get((band, key), ())
                     if np.count_nonzero(values[row] == values[other]) / NUM_PERM >= threshold), None)
        if lead is not None:
            found[valid[row]] = valid[lead]
            continue
        for band, key in enumerate(keys[row].tolist()):
            buckets.setdefault((band, key), []).append(row)
    return found
