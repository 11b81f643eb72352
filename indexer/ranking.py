"""How results are ranked: the scoring function and the weight of each field."""

from __future__ import annotations

from whoosh import scoring

# Matches in the title count this much more than in the body.
FIELD_BOOSTS = {"title": 2.0, "body": 1.0, "dateline": 1.0}


def weighting() -> scoring.WeightingModel:
    """The scoring model every search uses."""
    return scoring.BM25F(B=0.75, K1=1.2)
