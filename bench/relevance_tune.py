"""Choosing ranking parameters on every test collection at once, and checking each choice by leaving one out.

``python bench/relevance_tune.py --grid model.K1=1.2,2.0 --grid model.B=0.6,0.75`` builds each ``ir-*``
collection's index once (kept under ``--indexes``, default ``var/tune``), then, for every combination of the
values given, runs the topics through the product's search (highlighting off: it does not change the order) and
prints nDCG@10, MAP and R@100 per collection and their mean. A name is ``module.CONSTANT`` under
``indexer.search.ranking`` (or a full dotted path). Leave one collection out: for each collection, the combination
with the best mean nDCG@10 over the other ones, and what it scores on the one left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import importlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from types import SimpleNamespace  # noqa: E402
from typing import Any  # noqa: E402

from bench.relevance import collections_under, evaluate, read_jsonl, read_qrels, search_topics  # noqa: E402
from bench.shared import DATA  # noqa: E402
from indexer.index.build import reindex  # noqa: E402
from indexer.search import Engine, searching  # noqa: E402

Setting = tuple[tuple[str, Any], ...]


def build(collection: Path, indexes: Path, rebuild: bool = False) -> Path:
    """The collection's index (built from its records, as the benchmark builds it, unless already there)."""
    root = indexes / collection.name
    if rebuild or not (root / "index").is_dir():
        corpus = root / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        with (corpus / "corpus.jsonl").open("w", encoding="utf-8") as out:
            for doc in read_jsonl(collection / "corpus.jsonl"):
                record = {"id": str(doc["id"]), "title": doc.get("title") or "", "text": doc.get("text") or ""}
                out.write(json.dumps(record) + "\n")
        reindex(corpus, root / "index", full=True)
    return root / "index"


def _target(name: str) -> tuple[Any, str]:
    module, _, attribute = name.rpartition(".")
    if not module.startswith("indexer."):
        module = f"indexer.search.ranking.{module}"
    return importlib.import_module(module), attribute


def apply(setting: Setting) -> Setting:
    """Set each named constant; the previous values, to restore them."""
    previous = []
    for name, value in setting:
        module, attribute = _target(name)
        previous.append((name, getattr(module, attribute)))
        setattr(module, attribute, value)
    return tuple(previous)


@contextmanager
def unhighlighted() -> Iterator[None]:
    """Search without highlighting while inside (the bench's order and scores, faster)."""
    saved = searching._highlighters, searching._hit
    searching._highlighters = lambda results, page: {}
    searching._hit = lambda hit, similar, highlighters, scored: SimpleNamespace(id=hit["id"], score=hit.score)
    try:
        yield
    finally:
        searching._highlighters, searching._hit = saved


def measure(index: Path, collection: Path, setting: Setting) -> dict[str, float]:
    """nDCG@10, MAP and R@100 of our search on one collection with ``setting`` applied."""
    previous = apply(setting)
    try:
        engine = Engine(index)
        run = search_topics(engine, read_jsonl(collection / "topics.jsonl"))
        engine.close()
    finally:
        apply(previous)
    figures = evaluate(list(read_qrels(collection / "qrels.txt")), run)
    return {"nDCG@10": figures["nDCG@10"], "MAP": figures["MAP"], "R@100": figures["R@100"]}


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def grid(specs: list[str]) -> list[Setting]:
    """Every combination of ``NAME=V1,V2`` specs."""
    axes = []
    for spec in specs:
        name, _, values = spec.partition("=")
        axes.append([(name, _value(v)) for v in values.split(",")])
    return [tuple(combo) for combo in itertools.product(*axes)] or [()]


def leave_one_out(results: dict[Setting, dict[str, dict[str, float]]], names: list[str]) -> list[str]:
    """Per collection left out: the best setting on the others (mean nDCG@10) and its score on the one left out."""
    lines = []
    for held in names:
        others = [n for n in names if n != held]

        def mean(setting: Setting, others: list[str] = others) -> float:
            return sum(results[setting][n]["nDCG@10"] for n in others) / len(others)

        best = max(results, key=mean)
        lines.append(f"without {held}: {_label(best)} (others {mean(best):.4f}) -> {held} {results[best][held]}")
    return lines


def _label(setting: Setting) -> str:
    return " ".join(f"{name}={value}" for name, value in setting) or "(current)"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collections", type=Path, nargs="*", help=f"default: {DATA}/ir-*")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2", help="values to try")
    parser.add_argument("--indexes", type=Path, default=ROOT / "var" / "tune", help="where the indexes are kept")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the indexes (after a cleaning change)")
    args = parser.parse_args(argv)
    collections = args.collections or collections_under(DATA)
    indexes = {c.name: build(c, args.indexes, args.rebuild) for c in collections}
    names = [c.name for c in collections]
    results: dict[Setting, dict[str, dict[str, float]]] = {}
    print(
        "| setting | " + " | ".join(n.removeprefix("ir-") for n in names) + " | mean nDCG@10 | mean MAP | mean R@100 |"
    )
    for setting in grid(args.grid):
        with unhighlighted():
            results[setting] = {c.name: measure(indexes[c.name], c, setting) for c in collections}
        row = results[setting]
        ndcg = sum(row[n]["nDCG@10"] for n in names) / len(names)
        ap = sum(row[n]["MAP"] for n in names) / len(names)
        recall = sum(row[n]["R@100"] for n in names) / len(names)
        cells = " | ".join(f"{row[n]['nDCG@10']:.4f}/{row[n]['MAP']:.4f}/{row[n]['R@100']:.3f}" for n in names)
        print(f"| {_label(setting)} | {cells} | {ndcg:.4f} | {ap:.4f} | {recall:.4f} |", flush=True)
    if len(results) > 1 and len(names) > 2:
        print("\n".join(leave_one_out(results, names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
