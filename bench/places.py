"""Score the places detector on hand-checked news sentences, and time it against plain tokenizing.

Usage: ``python bench/places.py [--eval FILE] [--corpus FILE] [--articles N] [--json]``

The eval file is JSONL ``{"text", "expected", "source"}`` (default ``bench/data/places_eval.jsonl``: real sentences
from shared/data's news-bbc and news-agnews-test, with the countries a careful reader would list). Quality is micro
precision, recall and F1 over (sentence, country) pairs, with every false positive and false negative listed. Speed
is articles per second of ``detect_places`` over the first N articles of a JSONL corpus (default: news-bbc), next to
a baseline measured in the same run on the same texts (lower-case them and take the ``\\w+`` tokens), both in CPU
time, interleaved, best of five; the ratio of the two is the figure that carries across machines. The one-off
gazetteer build is timed apart (wall clock).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Run as a script from anywhere: make the repository's packages importable.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.shared import DATA  # noqa: E402
from indexer.clean import places  # noqa: E402

EVAL = ROOT / "bench" / "data" / "places_eval.jsonl"
CORPUS = DATA / "news-bbc" / "bbc.jsonl"
ARTICLES = 2000
REPEAT = 5
_WORD = re.compile(r"\w+")


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a JSONL file."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def score(items: Sequence[dict], detect: Callable[[str], list[str]] = places.detect_places) -> dict[str, Any]:
    """Micro precision, recall and F1 over (sentence, country) pairs, and the pairs that were wrong."""
    tp, false_pos, false_neg = 0, [], []
    for item in items:
        got, expected = set(detect(item["text"])), set(item["expected"])
        tp += len(got & expected)
        where = {"source": item.get("source", ""), "text": item["text"]}
        false_pos += [{"place": p, **where} for p in sorted(got - expected)]
        false_neg += [{"place": p, **where} for p in sorted(expected - got)]
    fp, fn = len(false_pos), len(false_neg)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "sentences": len(items),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "false_positives": false_pos,
        "false_negatives": false_neg,
    }


def build_time() -> float:
    """Seconds the first call in a process takes: building the gazetteer (zero if it is already built)."""
    start = time.perf_counter()
    places.detect_places("Warm up the gazetteer in Tokyo.")
    return time.perf_counter() - start


def speed(texts: Sequence[str], repeat: int = REPEAT) -> dict[str, float]:
    """Articles per second for ``detect_places`` and for the tokenize-only baseline (best of ``repeat`` runs)."""
    build = build_time()
    ours = baseline = float("inf")
    for _ in range(repeat):  # CPU time, interleaved, best of each: a busy machine should slow both alike
        start = time.process_time()
        [_WORD.findall(t.lower()) for t in texts]
        middle = time.process_time()
        [places.detect_places(t) for t in texts]
        baseline, ours = min(baseline, middle - start), min(ours, time.process_time() - middle)
    n = len(texts)
    return {
        "articles": n,
        "mean_words": sum(len(t.split()) for t in texts) / n if n else 0.0,
        "articles_per_s": n / ours if ours else 0.0,
        "baseline_per_s": n / baseline if baseline else 0.0,
        "cost_vs_baseline": ours / baseline if baseline else 0.0,
        "build_s": build,
    }


def table(figures: dict[str, Any]) -> str:
    """The figures for a terminal: scores, then each error, then speed."""
    q = figures["quality"]
    lines = [
        f"places eval: {q['sentences']} sentences, {q['tp']} correct, {q['fp']} false positives, {q['fn']} missed",
        f"precision {q['precision']:.3f}  recall {q['recall']:.3f}  F1 {q['f1']:.3f}",
    ]
    for label, key in (("false positive", "false_positives"), ("false negative", "false_negatives")):
        for err in q[key]:
            lines.append(f"  {label}: {err['place']!r} in {err['source']}: {err['text'][:100]}")
    s = figures.get("speed")
    if s:
        lines.append(
            f"speed: {s['articles_per_s']:,.0f} articles/s over {s['articles']} articles ({s['mean_words']:.0f} words"
            f" each); tokenize-only baseline {s['baseline_per_s']:,.0f}/s; detect costs {s['cost_vs_baseline']:.2f}x"
            f" the baseline; gazetteer build {s['build_s']:.2f} s (once per process)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="hand-checked JSONL {text, expected, source}")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="JSONL articles {title, text} to time")
    parser.add_argument("--articles", type=int, default=ARTICLES, help="how many corpus articles to time (0: none)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.eval.is_file():
        parser.error(f"{args.eval} not found")
    build = build_time()
    figures: dict[str, Any] = {"quality": score(read_jsonl(args.eval))}
    if args.articles and args.corpus.is_file():
        docs = read_jsonl(args.corpus)[: args.articles]
        figures["speed"] = {**speed([f"{d.get('title') or ''}\n{d.get('text') or ''}" for d in docs]), "build_s": build}
    print(json.dumps(figures, indent=2, ensure_ascii=False) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
