"""The article-extraction benchmark's metric: 4-token shingles, per-page normalised TP/FP/FN, means over pages.

``\\w+`` tokens, multisets of 4-token shingles, TP/FP/FN normalised per page so that every page weighs the same,
mean precision and mean recall over pages, F1 of those two means, accuracy = share of pages whose token list
equals the ground truth's (the Zyte/Scrapinghub benchmark's ``evaluate.py``, described in its README).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(r"\w+", re.UNICODE)
NGRAM = 4
BOOTSTRAP = 1000
LOST = 0.5  # a page whose own F1 is under this has mostly lost its article (or mostly kept something else)

PageScore = tuple[float, float, float, bool]  # normalised tp, fp, fn, exact token match


def tokenize(text: str | None) -> list[str]:
    """The benchmark's tokens: every ``\\w+`` run."""
    return _TOKEN.findall(text or "")


def shingles(tokens: list[str], n: int = NGRAM) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-token shingles; a text shorter than ``n`` tokens gives one shorter shingle."""
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def page_score(true: str | None, pred: str | None) -> PageScore:
    """Normalised TP, FP, FN for one page, and whether the token lists are identical."""
    true_tokens, pred_tokens = tokenize(true), tokenize(pred)
    t, p = shingles(true_tokens), shingles(pred_tokens)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return tp, fp, fn, true_tokens == pred_tokens


def page_f1(score: PageScore) -> float:
    """One page's own F1 (1 when there was nothing to find and nothing was found)."""
    tp, fp, fn, _ = score
    if fp == 0 and fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def _precision(tp: float, fp: float, fn: float) -> float | None:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float | None:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def _mean(values: Sequence[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else 0.0


def aggregate(scores: Sequence[PageScore]) -> dict[str, float]:
    """Mean precision, mean recall, F1 of the two means, accuracy, and the number of pages under ``LOST``."""
    precision = _mean([_precision(*s[:3]) for s in scores])
    recall = _mean([_recall(*s[:3]) for s in scores])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s[3] for s in scores) / len(scores) if scores else 0.0
    lost = sum(page_f1(s) < LOST for s in scores)
    return {"f1": f1, "precision": precision, "recall": recall, "accuracy": accuracy, "under_half": lost}


def bootstrap_std(scores: Sequence[PageScore], n: int = BOOTSTRAP, seed: int = 0) -> dict[str, float]:
    """Standard deviation of each figure over ``n`` resamples of the pages (fixed seed: reproducible)."""
    rng = random.Random(seed)
    runs = [aggregate(rng.choices(scores, k=len(scores))) for _ in range(n)] if scores else []
    out = {}
    for key in ("f1", "precision", "recall", "accuracy"):
        values = [r[key] for r in runs]
        mean = sum(values) / len(values) if values else 0.0
        out[key] = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 if values else 0.0
    return out
