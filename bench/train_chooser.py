"""Train the cleaner's candidate chooser on the development sets, checking every choice by leaving one set out.

Usage: ``python bench/train_chooser.py [--sample N] [--workers N] [--cache FILE] [--write] [--guard-shares S ...]``

Each page of every extraction set gets both candidates (trafilatura's fast pass, Resiliparse) and the rescue one
(trafilatura with fallbacks), as ``indexer.clean.extract`` computes them; ``--cache`` keeps them between runs.
For every set held out, a model trained on the other sets picks per page; the table shows F1 and pages under 0.5
for each candidate alone, the choice, the choice plus the lost-article guard, and plus the rescue. ``--write``
trains on every set and writes ``indexer/clean/chooser.txt``. ``--guard-shares 0.2 0.25`` prints instead each set,
left out, under each share of the lost-article guard (``extract.LOST_SHARE``).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_ROOT))

import lightgbm  # noqa: E402
import numpy as np  # noqa: E402

from bench.extraction import body_of, find_sets, sample_ids  # noqa: E402
from bench.extraction_metric import aggregate, page_f1, page_score  # noqa: E402
from indexer.clean import choose, extract  # noqa: E402
from indexer.clean.sources import decode  # noqa: E402

PARAMS = {
    "objective": "binary", "num_leaves": 8, "learning_rate": 0.05, "min_child_samples": 20,
    "n_estimators": 80, "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8,
    "random_state": 0, "deterministic": True, "verbose": -1, "n_jobs": 1,
}  # fmt: skip
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def candidates(job: tuple[Path, str]) -> tuple[str, dict[str, Any]]:
    """Both candidates, the rescue candidate and the page statistics of one page."""
    data_dir, page_id = job
    html = decode(gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes()))
    root = extract.parse(html)
    if root is None:
        return page_id, {"main": "", "alt": "", "rescue": "", "stats": (0, 0, 0)}
    stats = extract.prepare(root)
    return page_id, {
        "main": extract.trafilatura_body(root),
        "alt": extract.resiliparse_body(html),
        "rescue": extract.trafilatura_body(root, fast=False),
        "stats": stats,
    }


def collect(sample: int | None, workers: int, cache: Path | None) -> dict[str, dict[str, Any]]:
    """Candidates and truth for every page of every set (from the cache when it has them)."""
    if cache and cache.is_file():
        return _fast_or_rescue(pickle.loads(cache.read_bytes()))
    sets = {}
    for data_dir in find_sets():
        truth = json.loads((data_dir / "ground-truth.json").read_text("utf-8"))
        ids = sample_ids(truth, sample)
        with ProcessPoolExecutor(workers) as pool:
            pages = dict(pool.map(candidates, [(data_dir, i) for i in ids], chunksize=4))
        for page_id, page in pages.items():
            page["truth"] = body_of(truth[page_id])
        sets[data_dir.name] = pages
        print(f"{data_dir.name}: {len(pages)} pages", file=sys.stderr)
    if cache:
        cache.write_bytes(pickle.dumps(sets))
    return _fast_or_rescue(sets)


def _fast_or_rescue(sets: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The main candidate as ``extract_body`` has it: the fast pass, or the fallbacks where it found nothing."""
    for pages in sets.values():
        for page in pages.values():
            page["main"] = page["main"] or page["rescue"]
    return sets


def training_rows(pages: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, label (the alternative is better) and weight (by how much) for pages where they differ."""
    rows, labels, weights = [], [], []
    for page in pages.values():
        if not page["main"] or not page["alt"] or page["main"] == page["alt"]:
            continue
        gain = page_f1(page_score(page["truth"], page["alt"])) - page_f1(page_score(page["truth"], page["main"]))
        rows.append(choose.features(page["main"], page["alt"], page["stats"]))
        labels.append(int(gain > 0))
        weights.append(abs(gain))
    return np.asarray(rows), np.asarray(labels), np.asarray(weights)


def train(sets: dict[str, dict[str, Any]]) -> lightgbm.LGBMClassifier:
    """A model over the given sets; each set weighs the same, and each page by how much the choice matters."""
    parts = [training_rows(pages) for pages in sets.values()]
    rows = np.vstack([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    weights = np.concatenate([p[2] / max(p[2].sum(), 1e-9) for p in parts])
    model = lightgbm.LGBMClassifier(**PARAMS)
    model.fit(rows, labels, sample_weight=weights / weights.mean(), feature_name=list(choose.FEATURES))
    return model


def bodies(
    pages: dict[str, Any], model: lightgbm.LGBMClassifier | None, guard: bool, threshold: float = 0.5
) -> dict[str, str]:
    """What ``indexer.clean.extract.combine`` keeps per page with this model (None: always the main candidate)."""
    rows = {i: tuple(choose.features(p["main"], p["alt"], p["stats"])) for i, p in pages.items()}
    found = model.predict_proba(np.asarray(list(rows.values())))[:, 1] if model is not None else [0.0] * len(rows)
    known = dict(zip(rows.values(), found, strict=True))  # predicted in one batch: one call per page is slow

    def probability(row: list[float]) -> float:
        # combine() compares with choose.THRESHOLD: shifting the probability moves it to ``threshold``.
        return float(known[tuple(row)]) + choose.THRESHOLD - threshold

    return {
        i: extract.combine(p["main"], p["alt"], p["stats"], lambda p=p: p["rescue"], probability, guard)
        for i, p in pages.items()
    }


def figures(pages: dict[str, Any], chosen: dict[str, str]) -> dict[str, float]:
    """The benchmark's figures for one choice of bodies."""
    return aggregate([page_score(p["truth"], chosen[i]) for i, p in pages.items()])


def pick_threshold(sets: dict[str, dict[str, Any]]) -> float:
    """The threshold with the best mean F1 over ``sets``, each predicted by a model trained on the others."""
    folds = {held: train({n: o for n, o in sets.items() if n != held}) for held in sets}

    def mean_f1(threshold: float) -> float:
        runs = [figures(pages, bodies(pages, folds[n], True, threshold))["f1"] for n, pages in sets.items()]
        return sum(runs) / len(runs)

    return max(THRESHOLDS, key=mean_f1)


def leave_one_set_out(sets: dict[str, dict[str, Any]]) -> list[str]:
    """For every set: each candidate alone, then the choice trained on the other sets, guard and rescue."""
    lines = ["| held-out set | trafilatura fast | Resiliparse | chosen | + guard, rescue | + nested threshold |"]
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for held, pages in sets.items():
        others = {name: other for name, other in sets.items() if name != held}
        model, threshold = train(others), pick_threshold(others)
        runs = [
            {i: p["main"] for i, p in pages.items()},
            {i: p["alt"] for i, p in pages.items()},
            bodies(pages, model, guard=False),
            bodies(pages, model, guard=True),
            bodies(pages, model, guard=True, threshold=threshold),
        ]
        cells = [figures(pages, run) for run in runs]
        row = " | ".join(f"{c['f1']:.3f} ({c['under_half']})" for c in cells)
        lines.append(f"| {held} | {row} (at {threshold}) |")
    return lines


def guard_shares(sets: dict[str, dict[str, Any]], shares: list[float]) -> list[str]:
    """Each set chosen by its left-out model at the shipped threshold, under each share of the lost-article guard."""
    folds = {held: train({n: o for n, o in sets.items() if n != held}) for held in sets}
    lines = ["| share | " + " | ".join(sets) + " |", "| --- |" + " --- |" * len(sets)]
    shipped = extract.LOST_SHARE
    try:
        for share in shares:
            extract.LOST_SHARE = share  # keep_article reads it at every call
            cells = [figures(pages, bodies(pages, folds[n], True, choose.THRESHOLD)) for n, pages in sets.items()]
            lines.append(f"| {share} | " + " | ".join(f"{c['f1']:.4f} ({c['under_half']})" for c in cells) + " |")
    finally:
        extract.LOST_SHARE = shipped
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, help="pages per set (the same ones every run)")
    parser.add_argument("--workers", type=int, default=1, help="processes computing the candidates")
    parser.add_argument("--cache", type=Path, help="keep the candidates in this file between runs")
    parser.add_argument("--write", action="store_true", help=f"train on every set and write {choose.MODEL.name}")
    parser.add_argument("--skip-check", action="store_true", help="write the model without the leave-one-out table")
    parser.add_argument(
        "--guard-shares", type=float, nargs="+", help="print each set left out under these guard shares"
    )
    args = parser.parse_args(argv)
    sets = collect(args.sample, args.workers, args.cache)
    # Every fold and threshold asks for the same pages' features again: compute each once (strings hash once).
    choose.features = functools.cache(choose.features)
    if args.guard_shares:
        print("\n".join(guard_shares(sets, args.guard_shares)))
    elif not args.skip_check:
        print("\n".join(leave_one_set_out(sets)))
    if args.write:
        train(sets).booster_.save_model(str(choose.MODEL))
        print(f"wrote {choose.MODEL}; threshold for choose.THRESHOLD: {pick_threshold(sets)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
