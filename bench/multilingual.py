"""Known-item search on real news in seven languages: ours against naive Whoosh and SQLite FTS5, same queries.

``python -m bench.multilingual [--per-language 300] [--languages ja,zh,...] [--systems ours,whoosh,fts5]
[--articles N] [--seed 17] [--json] [--out DIR]`` reads ``news-multilingual/`` of the shared data
(``bench.shared.DATA``) and writes ``multilingual.json`` and ``multilingual.md`` into ``--out``
(default ``bench/results/``); ``--json`` prints the JSON instead and writes nothing.

The corpus: every article of each language (or its first ``--articles N``), written into a temporary folder as
JSONL files named ``part-N.jsonl`` with the ``lang`` field removed, so no system is told the language; each system
reads those files itself, as its user would, and indexes them all together in one index (the runners are in
``bench/multilingual_systems.py``):

- ``ours``: ``indexer.index.build.reindex`` of the folder, queried through ``indexer.search.Engine``; a hit counts
  for the article when it is the article or a near-duplicate copy folded into it;
- ``whoosh``: the speed benchmark's naive Whoosh build (``StemmingAnalyzer``, one writer; ``bench/systems.py``),
  queried over title and body with Whoosh's default parser (words ANDed);
- ``fts5``: SQLite FTS5 with the ``unicode61 remove_diacritics 2`` tokenizer (``bench/reference.py``), each word
  quoted and the words ANDed, ranked by ``bm25()``.

The queries (``bench/multilingual_words.py`` picks the words, with tools that are not the product's analysers):
for ``--per-language`` articles per language, drawn with ``--seed``, two distinct content words from the middle
third of the article's text, drawn with the seed and the article's id. A word qualifies when the language's picker
yields it there and at most ``MAX_DF`` (2%) of that language's indexed articles hold it (at least one: the article
itself), counted with the same picker; an article with fewer than two such words is passed over for the next one.
Words are never chosen by whether any system finds them. Every system gets the same query text: the two words
separated by a space.

Reported per language and as the mean over languages: success@10 (the share of queries whose article is in the top
10) and MRR (1/rank within the top 10, else 0); each system's build time; and the language detector's accuracy:
the share of indexed articles whose ``language``, as ``Engine.document`` gives it, is the file's ``lang``, with the
wrong detections counted by language.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script from anywhere: make the repository's packages importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

from bench.multilingual_systems import SYSTEMS, Query  # noqa: E402
from bench.multilingual_words import LANGUAGES, document_frequency, middle, picker  # noqa: E402
from bench.shared import DATA  # noqa: E402

NEWS = DATA / "news-multilingual"
RESULTS = ROOT / "bench" / "results"
MAX_DF = 0.02


def read_news(folder: Path, languages: list[str], articles: int | None = None) -> dict[str, list[dict]]:
    """Each language's articles (its first ``articles`` when given), as the shared data holds them."""
    news = {}
    for lang in languages:
        with (folder / f"{lang}.jsonl").open(encoding="utf-8") as lines:
            records = [json.loads(line) for line in lines if line.strip()]
        news[lang] = records[:articles] if articles else records
    return news


def pick_queries(news: dict[str, list[dict]], per_language: int, seed: int) -> list[Query]:
    """Up to ``per_language`` known-item queries per language (see the module docstring for the rules)."""
    queries = []
    for lang, records in news.items():
        words = picker(lang)
        df = document_frequency((r["text"] for r in records), words)
        max_df = max(1, int(MAX_DF * len(records)))
        order = list(records)
        random.Random(f"{seed}:{lang}").shuffle(order)
        made = 0
        for record in order:
            if made == per_language:
                break
            candidates = list(dict.fromkeys(w for w in words(middle(record["text"])) if df.get(w, 0) <= max_df))
            if len(candidates) >= 2:
                chosen = random.Random(f"{seed}:{record['id']}").sample(candidates, 2)
                queries.append(Query(lang, str(record["id"]), tuple(chosen)))
                made += 1
    return queries


def write_corpus(news: dict[str, list[dict]], folder: Path) -> Path:
    """The articles as JSONL files without their ``lang`` field, one neutral file name per language."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, records in enumerate(news.values(), start=1):
        with (folder / f"part-{n}.jsonl").open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps({k: v for k, v in record.items() if k != "lang"}, ensure_ascii=False) + "\n")
    return folder


def scores(queries: list[Query], ranks: list[int | None]) -> dict[str, dict[str, float]]:
    """success@10 and MRR per language and their mean over the languages."""
    by_lang: dict[str, list[int | None]] = {}
    for q, rank in zip(queries, ranks, strict=True):
        by_lang.setdefault(q.lang, []).append(rank)
    figures = {
        lang: {
            "success@10": round(sum(r is not None for r in found) / len(found), 4),
            "mrr": round(sum(1 / r for r in found if r is not None) / len(found), 4),
            "queries": len(found),
        }
        for lang, found in by_lang.items()
    }
    if figures:
        figures["mean"] = {
            m: round(sum(f[m] for f in figures.values()) / len(figures), 4) for m in ("success@10", "mrr")
        } | {"queries": len(queries)}
    return figures


def detection(news: dict[str, list[dict]], detected: dict[str, str | None]) -> dict:
    """The detector's accuracy overall and per language, and its wrong answers counted by language."""
    per_lang, wrong = {}, {}
    for lang, records in news.items():
        answers = Counter(detected.get(str(r["id"])) for r in records)
        per_lang[lang] = round(answers[lang] / len(records), 4) if records else 0.0
        wrong[lang] = {k or "none": v for k, v in answers.most_common() if k != lang}
    total = sum(len(r) for r in news.values())
    right = sum(per_lang[lang] * len(news[lang]) for lang in news)
    return {"accuracy": round(right / total, 4) if total else 0.0, "per_language": per_lang, "wrong": wrong}


def bench(
    languages: list[str] | None = None,
    per_language: int = 300,
    systems: list[str] | None = None,
    seed: int = 17,
    articles: int | None = None,
    data: Path = NEWS,
) -> dict:
    """Pick the queries, run every system on the same corpus and queries, and return the figures."""
    languages = languages or list(LANGUAGES)
    news = read_news(data, languages, articles)
    started = time.perf_counter()
    queries = pick_queries(news, per_language, seed)
    results: dict = {
        "settings": {"languages": languages, "per_language": per_language, "seed": seed, "articles": articles},
        "articles": {lang: len(records) for lang, records in news.items()},
        "picking_seconds": round(time.perf_counter() - started, 2),
        "systems": {},
        "detector": None,
    }
    runs = {}
    with tempfile.TemporaryDirectory(prefix="mlbench-") as folder:
        corpus = write_corpus(news, Path(folder) / "corpus")
        for name in systems or list(SYSTEMS):
            run = runs[name] = SYSTEMS[name](corpus, Path(folder) / name, queries)
            results["systems"][name] = {
                "build_seconds": round(run.build_seconds, 2),
                "build_cpu_seconds": round(run.cpu_seconds, 2),
                "documents": run.documents,
                "articles_per_second": round(run.documents / run.build_seconds, 1) if run.build_seconds else None,
                "scores": scores(queries, run.ranks),
            }
            if name == "ours":
                results["detector"] = detection(news, run.detected)
    results["queries"] = [
        {"lang": q.lang, "id": q.id, "query": q.text, "ranks": {name: run.ranks[i] for name, run in runs.items()}}
        for i, q in enumerate(queries)
    ]
    return results


def table(results: dict) -> str:
    """success@10 and MRR per language and system, build times, and the detector's accuracy, as Markdown."""
    systems = results["systems"]
    languages = [*results["articles"], "mean"]
    head = "| language | queries | " + " | ".join(f"{s} s@10 | {s} MRR" for s in systems) + " |"
    lines = [head, "| --- | ---: |" + " ---: | ---: |" * len(systems)]
    for lang in languages:
        cells = []
        for figures in systems.values():
            row = figures["scores"].get(lang, {})
            cells += [f"{row.get('success@10', 0):.3f}", f"{row.get('mrr', 0):.3f}"]
        count = next((f["scores"].get(lang, {}).get("queries", 0) for f in systems.values()), 0)
        name = f"**{lang}**" if lang == "mean" else lang
        lines.append(f"| {name} | {count} | " + " | ".join(cells) + " |")
    lines += ["", "| system | articles | build s | build CPU s | articles/s |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, f in systems.items():
        lines.append(
            f"| {name} | {f['documents']} | {f['build_seconds']:.1f} | {f['build_cpu_seconds']:.1f}"
            f" | {f['articles_per_second']} |"
        )
    detector = results["detector"]
    if detector is not None:
        lines += ["", f"Language detector accuracy: {detector['accuracy']:.3f}", ""]
        lines += ["| language | accuracy | wrong answers |", "| --- | ---: | --- |"]
        for lang, accuracy in detector["per_language"].items():
            wrong = ", ".join(f"{k} {v}" for k, v in detector["wrong"][lang].items()) or "-"
            lines.append(f"| {lang} | {accuracy:.3f} | {wrong} |")
    return "\n".join(lines)


def _names(text: str, known: list[str] | tuple[str, ...], what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown {what}: {', '.join(unknown) or '(none)'}; known: {', '.join(known)}")
    return names


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=300, help="queries per language (default 300)")
    parser.add_argument(
        "--languages",
        type=lambda t: _names(t, LANGUAGES, "language"),
        default=list(LANGUAGES),
        help=f"comma-separated (default {','.join(LANGUAGES)})",
    )
    parser.add_argument(
        "--systems",
        type=lambda t: _names(t, list(SYSTEMS), "system"),
        default=list(SYSTEMS),
        help=f"comma-separated (default {','.join(SYSTEMS)})",
    )
    parser.add_argument("--articles", type=int, help="index only each language's first N articles (default all)")
    parser.add_argument("--seed", type=int, default=17, help="draws the articles and their words (default 17)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout, write nothing")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for multilingual.json and .md")
    args = parser.parse_args(argv)
    if not NEWS.is_dir():
        parser.error(f"{NEWS} not found (set NEWSFIND_DATA)")
    results = bench(args.languages, args.per_language, args.systems, args.seed, args.articles)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "multilingual.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    text = table(results)
    (args.out / "multilingual.md").write_text(text + "\n", "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
