"""The precheck before ftfy's mojibake detector: it may skip the detector only where the detector says no."""

from __future__ import annotations

import re

import pytest
from ftfy.badness import BADNESS_RE, is_bad

from indexer.clean.mojibake import looks_bad, signature
from indexer.clean.normalize import repair_text

CLEAN = [
    "It’s a “quoted” word — with dashes – and an ellipsis…",
    "Café owners in Zürich said the Ærø ferry costs 12 €.",
    "Москва: в среду Госдума приняла закон о статусе русского языка.",
    "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας.",
    "東京都は水曜日に新しい計画を発表した。",
    "Plain ASCII text, nothing to see.",
    "",
]
SOURCES = [*CLEAN[:5], "naïve façade déjà vu, Señor", "½ cup of flour at 180° and ±2 ×3"]
ENCODINGS = ("latin-1", "cp1252", "cp1251", "cp1253", "cp1257", "mac_roman", "cp437", "iso-8859-2", "cp1250")
MOJIBAKE = [s.encode("utf-8").decode(enc, "replace") for s in SOURCES for enc in ENCODINGS]


def test_every_detector_alternative_has_a_signature() -> None:
    """Each alternative of ftfy's detector needs characters from a non-ASCII class, or nothing is skipped."""
    alternatives = signature(BADNESS_RE)
    assert alternatives is not None
    assert all(classes and all(min(map(ord, c)) >= 128 for c in classes) for classes in alternatives)


@pytest.mark.parametrize("text", CLEAN + MOJIBAKE)
def test_looks_bad_agrees_with_the_detector(text: str) -> None:
    """The precheck never changes the detector's answer, on clean text and on mojibake of many encodings."""
    assert looks_bad(text) == is_bad(text)


def test_mojibake_is_still_repaired() -> None:
    """A body with mojibake passes the precheck and is repaired."""
    assert repair_text("The cafÃ© is closed â€” for now.", only_if_bad=True) == "The café is closed — for now."


def test_a_pattern_with_a_catch_all_alternative_skips_nothing() -> None:
    """An alternative made only of ASCII or categories leaves nothing to rule out."""
    assert signature(re.compile(r"é\d|\w\w")) is None
    assert signature(re.compile(r"[éè]\d|x[ñ]")) == [[frozenset("éè")], [frozenset("ñ")]]


def test_the_mojibake_cases_are_mojibake() -> None:
    """Most of the generated cases are mojibake to the detector, so the agreement above tests both answers."""
    assert sum(map(is_bad, MOJIBAKE)) > len(MOJIBAKE) / 2
    assert not any(map(looks_bad, CLEAN))
