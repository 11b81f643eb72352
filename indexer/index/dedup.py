"""Near-duplicate detection: MinHash signatures over word shingles, made at index time, compared at query time."""

from __future__ import annotations

import hashlib
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
# Stamped on the schema's minhash field: signatures from another scheme are not comparable, so an index built
# with one is rebuilt in full (as for another places detector).
SIGNATURE_VERSION = 2
_WORD = re.compile(r"\w+")
_CACHE_WORDS = 1_000_000
_word_hashes: dict[str, int] = {}
# Odd multipliers, one per word of a shingle, so that word order matters.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=np.uint64)
_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_perm = np.random.RandomState(1)
_PERM_A = _perm.randint(1, (1 << 61) - 1, NUM_PERM, dtype=np.uint64)
_PERM_B = _perm.randint(0, (1 << 61) - 1, NUM_PERM, dtype=np.uint64)


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """The overlapping word n-grams of a text, lowercased (the whole text when it is shorter)."""
    words = re.findall(r"\w+", text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> bytes:
    """A compact MinHash signature (``NUM_PERM`` 16-bit values) of a text's shingles; empty for empty text.

    Each distinct word is hashed once (``_word_hash``); a shingle's hash is a mix of its words' hashes, computed
    for every shingle at once with numpy, as are the ``NUM_PERM`` permutations (datasketch's scheme: ``(a * h +
    b) mod p``, 32-bit values). Before, datasketch's SHA-1 per shingle and per-object set-up were 14% of a build.
    """
    words = _WORD.findall(text.lower())
    if not words:
        return b""
    cache = _word_hashes
    if len(cache) > _CACHE_WORDS:
        cache.clear()
    hashes = np.fromiter((cache.get(w) or _word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    if len(words) <= SHINGLE:
        grams = np.array([int(np.bitwise_xor.reduce(hashes * _MIX[: len(words)]))], dtype=np.uint64)
    else:
        n = len(words) - SHINGLE + 1
        grams = hashes[:n] * _MIX[0]
        for k in range(1, SHINGLE):
            grams ^= hashes[k : k + n] * _MIX[k]
        grams = np.unique(grams)
    values = (_finalize(grams) >> np.uint64(32))[:, None]  # one 32-bit hash per distinct shingle
    permuted = ((values * _PERM_A + _PERM_B) % _PRIME) & _MAX_HASH
    return permuted.min(axis=0).astype(">u2").tobytes()


def _word_hash(word: str) -> int:
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    _word_hashes[word] = value
    return value


def _finalize(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every output bit depends on every input bit (uint64 arithmetic wraps)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


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
    # Which rows share some band's key with another row: one sort of every (band, key) pair.
    flat, bands = keys.T.ravel(), np.repeat(np.arange(keys.shape[1]), len(valid))
    order = np.lexsort((flat, bands))
    equal = (flat[order][1:] == flat[order][:-1]) & (bands[order][1:] == bands[order][:-1])
    repeated = np.zeros(flat.size, dtype=bool)
    repeated[order[1:][equal]] = repeated[order[:-1][equal]] = True
    shared = repeated.reshape(keys.shape[1], len(valid)).any(axis=0)
    buckets: dict[tuple[int, int], list[int]] = {}
    for row in np.flatnonzero(shared).tolist():  # in rank order
        lead = next(
            (
                other
                for band, key in enumerate(keys[row].tolist())
                for other in buckets.get((band, key), ())
                if np.count_nonzero(values[row] == values[other]) / NUM_PERM >= threshold
            ),
            None,
        )
        if lead is not None:
            found[valid[row]] = valid[lead]
            continue
        for band, key in enumerate(keys[row].tolist()):
            buckets.setdefault((band, key), []).append(row)
    return found
