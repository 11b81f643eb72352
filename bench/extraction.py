"""Score the HTML cleaner on every article-extraction set, beside reference extractors run on the same pages.

Usage: ``python bench/extraction.py [DATA_DIR ...] [--sample N] [--workers N] [--json] [--out FILE]``

With no DATA_DIR, every ``extraction-*`` and ``article-extraction-*`` folder of the shared data is scored. Each
folder is laid out like the Zyte/Scrapinghub article-extraction benchmark: ``html/<id>.html.gz``,
``ground-truth.json`` (``{id: {"articleBody": ...}}``) and optionally ``extractor-outputs/<name>.json[.gz]``
(published outputs: a plain ``{id: {"articleBody": ...}}`` dict or ``{"version": ..., "output": {...}}``).
The metric is the benchmark's own (``bench/extraction_metric.py``). Per set: F1 / precision / recall, the pages
whose own F1 is under 0.5 and pages per second, for ours and for each reference (``bench/extractors.py``), all
run in turn on each page so that machine load hits them alike; the summary row weights the sets equally.

``--sample N`` scores N pages per set, the same N every run (the ids with the smallest SHA-1). ``--workers N``
spreads pages over N processes; pages/s stays per core (pages over the summed time of that extractor's calls).
``--out FILE`` writes our bodies as ``{id: {"articleBody": text}}`` (one folder) or ``{set: {id: ...}}``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# Run as a script from anywhere: make the repository's packages importable.
_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_ROOT))

from bench.extraction_metric import (  # noqa: E402
    aggregate,
    bootstrap_std,
    page_score,
    shingles,
    tokenize,
)
from bench.extraction_report import OURS, all_sets_table, set_payload, set_table, summary  # noqa: E402
from bench.extractors import available  # noqa: E402
from bench.shared import DATA  # noqa: E402
from indexer.clean.sources import decode  # noqa: E402

__all__ = ["aggregate", "evaluate", "main", "page_score", "sample_ids", "shingles", "tokenize"]

_extractors: dict[str, Callable[[str], str]] = {}


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


def find_sets(root: Path = DATA) -> list[Path]:
    """Every extraction set under the shared data, by name."""
    found = [*root.glob("extraction-*"), *root.glob("article-extraction-*")]
    return sorted(p for p in found if (p / "ground-truth.json").is_file())


def sample_ids(ids: Iterable[str], sample: int | None) -> list[str]:
    """All ids, or the ``sample`` ids with the smallest SHA-1: the same pages every run, whatever the order."""
    ids = sorted(ids)
    if sample is None or sample >= len(ids):
        return ids
    return sorted(sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())[:sample])


_WARM_UP = [
    "<html><body><article>" + "<p>A first paragraph of text to warm every extractor up.</p>" * 5 + "</article>",
    # no paragraph: trafilatura's fallbacks run, and jusText loads its stop lists (a third of a second, once)
    "<html><body><div>" + "Words in a block that holds no paragraph at all. " * 30 + "</div></body></html>",
]


def _init(names: list[str]) -> None:
    """Load the extractors once per process and warm each up: lazy imports, models and word lists are not per page."""
    found = available()
    _extractors.clear()
    _extractors.update({n: found[n] for n in names})
    for extractor in _extractors.values():
        for page in _WARM_UP:
            extractor(page)


def _run_page(job: tuple[Path, str, int]) -> tuple[str, dict[str, tuple[str, float]]]:
    """Every extractor on one page, in an order that rotates with the page: each one's body and seconds."""
    data_dir, page_id, turn = job
    path = data_dir / "html" / f"{page_id}.html.gz"
    html = decode(gzip.decompress(path.read_bytes())) if path.exists() else ""
    names = list(_extractors)
    names = names[turn % len(names) :] + names[: turn % len(names)]
    out = {}
    for name in names:
        start = time.perf_counter()
        try:
            body = _extractors[name](html) if html else ""
        except Exception:  # noqa: BLE001 - a crash scores as an empty extraction
            body = ""
        out[name] = (body, time.perf_counter() - start)
    return page_id, out


def run_extractors(
    data_dir: Path, ids: list[str], names: list[str], workers: int = 1
) -> tuple[dict[str, dict[str, str]], dict[str, float]]:
    """Bodies by extractor and page id, and each extractor's pages per second (per core)."""
    jobs = [(data_dir, page_id, turn) for turn, page_id in enumerate(ids)]
    if workers > 1:
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(names,)) as pool:
            results = list(pool.map(_run_page, jobs, chunksize=4))
    else:
        _init(names)
        results = [_run_page(job) for job in jobs]
    bodies: dict[str, dict[str, str]] = {n: {} for n in names}
    seconds = dict.fromkeys(names, 0.0)
    for page_id, out in results:
        for name, (body, secs) in out.items():
            bodies[name][page_id] = body
            seconds[name] += secs
    return bodies, {n: len(ids) / s if s else 0.0 for n, s in seconds.items()}


def evaluate(
    data_dir: Path, sample: int | None = None, workers: int = 1, names: list[str] | None = None, std: bool = True
) -> tuple[dict[str, Any], dict[str, str]]:
    """All figures for ours, the references and the published outputs on one set, and our bodies."""
    truth = {k: body_of(v) for k, v in _load_json(data_dir / "ground-truth.json").items()}
    ids = sample_ids(truth, sample)
    names = names or list(available())
    bodies, speed = run_extractors(data_dir, ids, names, workers)

    def figures(outputs: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        scores = [page_score(truth[i], body_of(outputs.get(i))) for i in ids]
        return {**aggregate(scores), **extra, **({"std": bootstrap_std(scores)} if std else {})}

    runs = {n: figures(bodies[n], {"pages_per_s": speed[n]}) for n in names}
    published = {}
    out_dir = data_dir / "extractor-outputs"
    for path in sorted(out_dir.glob("*.json*")) if out_dir.is_dir() else []:
        version, outputs = load_outputs(path)
        published[path.name.split(".json")[0]] = figures(outputs, {"version": version})
    results = {"pages": len(ids), "ours": runs.pop(OURS, None), "references": runs, "published": published}
    return results, bodies.get(OURS, {})


def _nest(bodies: dict[str, str]) -> dict[str, dict[str, str]]:
    return {k: {"articleBody": v} for k, v in bodies.items()}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dirs", type=Path, nargs="*", help="extraction sets (default: every one in the data)")
    parser.add_argument("--sample", type=int, help="score this many pages per set (the same ones every run)")
    parser.add_argument("--workers", type=int, default=1, help="processes to spread the pages over")
    parser.add_argument("--published", type=int, default=2, help="best published outputs per set in the all-set table")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", type=Path, help="write our extracted bodies as {ID: {'articleBody': TEXT}}")
    args = parser.parse_args(argv)
    dirs = args.data_dirs or find_sets()
    if not dirs:
        parser.error(f"no extraction sets under {DATA}")
    for d in dirs:
        if not (d / "ground-truth.json").is_file():
            parser.error(f"{d} has no ground-truth.json")
    single = len(args.data_dirs) == 1
    sets, bodies = {}, {}
    for d in dirs:
        sets[d.name], bodies[d.name] = evaluate(d, args.sample, args.workers, std=single)
    if args.out:
        payload_out = _nest(bodies[dirs[0].name]) if single else {s: _nest(b) for s, b in bodies.items()}
        args.out.write_text(json.dumps(payload_out, ensure_ascii=False))
    if args.json:
        payload: dict[str, Any] = (
            set_payload(sets[dirs[0].name])
            if single
            else {"sets": {n: set_payload(r) for n, r in sets.items()}, "summary": summary(sets)}
        )
        print(json.dumps(payload, indent=2))
    elif single:
        print(set_table(sets[dirs[0].name]))
    else:
        print(all_sets_table(sets, args.published))
    return 0


if __name__ == "__main__":
    sys.exit(main())
