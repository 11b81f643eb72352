"""Score the HTML cleaner on an article-extraction benchmark folder, next to the published extractors.

Usage: ``python bench/extraction.py DATA_DIR [--json] [--out FILE]``

DATA_DIR is laid out like the Zyte/Scrapinghub article-extraction benchmark: ``html/<id>.html.gz``,
``ground-truth.json`` (``{id: {"articleBody": ...}}``) and ``extractor-outputs/<name>.json[.gz]`` (a plain
``{id: {"articleBody": ...}}`` dict or ``{"version": ..., "output": {...}}``). The metric is the benchmark's own:
``\\w+`` tokens, multisets of 4-token shingles, TP/FP/FN normalised per page, mean precision and mean recall over
pages, F1 of those two means, accuracy = share of pages whose token list equals the ground truth's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Run as a script from anywhere: make the repository's packages importable.
_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_ROOT))

from indexer.clean.html import clean_html  # noqa: E402
from indexer.clean.sources import decode  # noqa: E402

_TOKEN = re.compile(r"\w+", re.UNICODE)
NGRAM = 4
BOOTSTRAP = 1000

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
    """Mean precision, mean recall, F1 of the two means, and accuracy over pages."""
    precision = _mean([_precision(*s[:3]) for s in scores])
    recall = _mean([_recall(*s[:3]) for s in scores])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s[3] for s in scores) / len(scores) if scores else 0.0
    return {"f1": f1, "precision": precision, "recall": recall, "accuracy": accuracy}


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


def _load_json(path: Path) -> Any:
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def load_outputs(path: Path) -> tuple[str, dict[str, Any]]:
    """One published extractor's version and outputs (either file structure)."""
    data = _load_json(path)
    if isinstance(data, dict) and isinstance(data.get("output"), dict):
        return str(data.get("version", "")), data["output"]
    return "", data


def body_of(record: Any) -> str:
    """The ``articleBody`` of an output record, or empty."""
    if isinstance(record, dict):
        return record.get("articleBody") or ""
    return record if isinstance(record, str) else ""


def run_ours(data_dir: Path, ids: list[str]) -> tuple[dict[str, str], float]:
    """Our cleaner's body for every page, and pages per second (decode + clean, without disk reads)."""
    raw = {}
    for page_id in ids:
        path = data_dir / "html" / f"{page_id}.html.gz"
        raw[page_id] = gzip.decompress(path.read_bytes()) if path.exists() else b""
    bodies = {}
    start = time.perf_counter()
    for page_id, data in raw.items():
        try:
            bodies[page_id] = clean_html(decode(data)).body if data else ""
        except Exception:  # noqa: BLE001 - a crash scores as an empty extraction
            bodies[page_id] = ""
    elapsed = time.perf_counter() - start
    return bodies, len(raw) / elapsed if elapsed else 0.0


def evaluate(data_dir: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """All figures for our cleaner and every published extractor, and our bodies."""
    truth = {k: body_of(v) for k, v in _load_json(data_dir / "ground-truth.json").items()}
    ids = sorted(truth)
    bodies, speed = run_ours(data_dir, ids)
    ours_scores = [page_score(truth[i], bodies.get(i)) for i in ids]
    results: dict[str, Any] = {
        "ours": {**aggregate(ours_scores), "pages_per_s": speed, "std": bootstrap_std(ours_scores), "pages": len(ids)},
        "published": {},
    }
    out_dir = data_dir / "extractor-outputs"
    for path in sorted(out_dir.glob("*.json*")) if out_dir.is_dir() else []:
        name = path.name.split(".json")[0]
        version, outputs = load_outputs(path)
        scores = [page_score(truth[i], body_of(outputs.get(i))) for i in ids]
        results["published"][name] = {**aggregate(scores), "version": version, "std": bootstrap_std(scores)}
    return results, bodies


def table(results: dict[str, Any]) -> str:
    """One table, best F1 first, our cleaner marked."""
    rows = [("newsfind (ours)", results["ours"])] + list(results["published"].items())
    rows.sort(key=lambda r: -r[1]["f1"])
    width = max(len(name) for name, _ in rows)
    lines = [f"{'extractor':<{width}}  {'F1':<13}  {'precision':<13}  {'recall':<13}  {'accuracy':<13}"]
    for name, r in rows:
        cells = [f"{r[k]:.3f} ± {r['std'][k]:.3f}" for k in ("f1", "precision", "recall", "accuracy")]
        lines.append(f"{name:<{width}}  " + "  ".join(cells))
    ours = results["ours"]
    lines.append(f"\n{ours['pages']} pages; our cleaner: {ours['pages_per_s']:.1f} pages/s (decode + clean_html)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", type=Path, help="write our extracted bodies as {ID: {'articleBody': TEXT}}")
    args = parser.parse_args(argv)
    if not (args.data_dir / "ground-truth.json").is_file():
        parser.error(f"{args.data_dir} has no ground-truth.json")
    results, bodies = evaluate(args.data_dir)
    if args.out:
        args.out.write_text(json.dumps({k: {"articleBody": v} for k, v in bodies.items()}, ensure_ascii=False))
    if args.json:
        keys = ("f1", "precision", "recall", "accuracy")
        payload = {
            "ours": {k: results["ours"][k] for k in (*keys, "pages_per_s")},
            "published": {n: {k: r[k] for k in keys} for n, r in results["published"].items()},
        }
        print(json.dumps(payload, indent=2))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
