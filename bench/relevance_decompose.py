"""Where a gap to bm25s comes from: plain BM25 as bm25s runs it, moved toward our choices one at a time.

``python bench/relevance_decompose.py`` scores, on every ``ir-*`` collection, a small in-memory BM25 that starts as
bm25s's setup (its token pattern and 33 English stop words dropped from the index and the query, Snowball
stemming, Lucene's idf, ``k1`` 1.5, ``b`` 0.75, title and text as one field) and then changes one thing: our
tokenizer and folding, stop words kept in the index (so in the lengths), our query stop and filler words,
``K1`` 2.0, BM25F with the title apart (weight 1 or 6: ours was 6, row 51 made it 5), and all of ours at once;
then, from all of ours with titles derived as the product derives them (``derive_title``), other saturations
than BM25's: BM25+ (a floor ``delta`` per matched word) and ``log(1 + tf)``. It needs no index: each variant
runs in seconds, and the first row reproduces bm25s's own figures (``bench/relevance_refs.py``).
What it cannot show is our product path (strict AND first, all words first, proximity, feedback, folding):
``bench/relevance_tune.py`` measures those on the real search.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402

from bench.relevance import collections_under, evaluate, read_jsonl, read_qrels  # noqa: E402
from bench.relevance_refs import Run  # noqa: E402
from bench.shared import DATA  # noqa: E402
from indexer.clean.normalize import derive_title  # noqa: E402
from indexer.index.analysis import NEWS_STOP_WORDS, QUERY_STOP_WORDS, news_analyzer  # noqa: E402

BM25S_TOKENS = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Setup:
    """One BM25 configuration: how text becomes terms, which stop words go where, the scoring constants."""

    ours_tokenizer: bool = False  # our analyzer (tokenizer, accent folding) instead of bm25s's token pattern
    stops_indexed: bool = False  # stop words kept in the index, so field lengths count them
    our_query_stops: bool = False  # the query drops our stop and filler words (not bm25s's 33)
    k1: float = 1.5
    b: float = 0.75
    title_weight: float | None = None  # BM25F with the title as its own field of this weight; None: one field
    derived_titles: bool = False  # a record without a title gets its opening as one, as the product does
    delta: float = 0.0  # BM25+: each matched word adds idf * delta
    log_tf: bool = False  # idf * log(1 + tf) instead of BM25's saturation


# All of ours, with a title derived from the opening of a record that has none: the base of the saturations.
DERIVED = Setup(True, True, True, 2.0, 0.75, 6.0, derived_titles=True)
VARIANTS: dict[str, Setup] = {
    "bm25s": Setup(),
    "our tokenizer": Setup(ours_tokenizer=True),
    "stop words indexed (in lengths)": Setup(stops_indexed=True),
    "our query stop words": Setup(our_query_stops=True),
    "K1 2.0": Setup(k1=2.0),
    "BM25F, title weight 1": Setup(title_weight=1.0),
    "BM25F, title weight 6": Setup(title_weight=6.0),
    "all of ours": Setup(True, True, True, 2.0, 0.75, 6.0),
    "all of ours, derived titles": DERIVED,
    "BM25+, delta 0.5": replace(DERIVED, delta=0.5),
    "BM25+, delta 1": replace(DERIVED, delta=1.0),
    "log(1 + tf)": replace(DERIVED, log_tf=True),
}


def _analyser(setup: Setup, stop_words: frozenset[str]) -> Callable[[str], list[str]]:
    """Text to terms as that setup analyses it, ``stop_words`` left out: bm25s drops a word before stemming it,
    ours drops the terms the stop words stem to (``analysis.query_stop_stems``)."""
    import Stemmer

    if setup.ours_tokenizer:
        analyzer = news_analyzer()
        stops = {token.text for word in stop_words for token in analyzer(word)}
        return lambda text: [t.text for t in analyzer(text) if t.text not in stops]
    stemmer = Stemmer.Stemmer("english")
    return lambda text: [stemmer.stemWord(w) for w in BM25S_TOKENS.findall(text.lower()) if w not in stop_words]


def rank(docs: list[dict], topics: list[dict], setup: Setup) -> Run:
    """Each topic's top 100 under ``setup``: BM25 (BM25F with a title weight), Lucene's idf over the documents."""
    from bm25s.stopwords import STOPWORDS_EN

    bm25s_stops = frozenset(STOPWORDS_EN)
    analyse = _analyser(setup, frozenset() if setup.stops_indexed else bm25s_stops)
    ours = NEWS_STOP_WORDS | QUERY_STOP_WORDS
    analyse_query = _analyser(setup, ours if setup.our_query_stops else bm25s_stops)
    weights = {"text": 1.0} if setup.title_weight is None else {"text": 1.0, "title": setup.title_weight}

    def fields(doc: dict) -> dict[str, Counter[str]]:
        text = doc.get("text") or ""
        title = doc.get("title") or (derive_title(text) if setup.derived_titles else "")
        parts = {"text": f"{title} {text}"} if setup.title_weight is None else {"title": title, "text": text}
        return {name: Counter(analyse(value)) for name, value in parts.items()}

    counted = [fields(doc) for doc in docs]
    lengths = {f: [sum(c[f].values()) for c in counted] for f in weights}
    # Each field's mean length over the documents that have it (as ours and Lucene take it).
    mean = {f: sum(ls) / max(1, sum(1 for n in ls if n)) for f, ls in lengths.items()}
    postings: dict[str, dict[int, dict[str, int]]] = {}
    for number, doc_fields in enumerate(counted):
        for name, terms in doc_fields.items():
            for term, tf in terms.items():
                postings.setdefault(term, {}).setdefault(number, {})[name] = tf
    run: Run = {}
    for topic in topics:
        scores: Counter[int] = Counter()
        words = Counter(t for t in analyse_query(topic["query"]) if len(t) > 1)
        for word, said in words.items():
            found = postings.get(word, {})
            idf = math.log(1 + (len(docs) - len(found) + 0.5) / (len(found) + 0.5))
            for number, tfs in found.items():
                tf = sum(
                    weights[f] * n / (1 - setup.b + setup.b * lengths[f][number] / mean[f]) for f, n in tfs.items()
                )
                saturated = math.log(1 + tf) if setup.log_tf else tf * (setup.k1 + 1) / (tf + setup.k1) + setup.delta
                scores[number] += said * idf * saturated
        top = scores.most_common(100)
        run[str(topic["qid"])] = {str(docs[n]["id"]): float(len(top) - r) for r, (n, _) in enumerate(top)}
    return run


def decompose(collection: Path, setups: dict[str, Setup]) -> dict[str, dict[str, float]]:
    """nDCG@10 and MAP of each setup on one collection."""
    docs, topics = read_jsonl(collection / "corpus.jsonl"), read_jsonl(collection / "topics.jsonl")
    qrels = list(read_qrels(collection / "qrels.txt"))
    found = {}
    for name, setup in setups.items():
        figures = evaluate(qrels, rank(docs, topics, setup))
        found[name] = {"nDCG@10": figures["nDCG@10"], "MAP": figures["MAP"]}
    return found


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: a Markdown table, one row per variant, nDCG@10/MAP per collection and mean."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collections", type=Path, nargs="*", help=f"default: {DATA}/ir-*")
    args = parser.parse_args(argv)
    collections = args.collections or collections_under(DATA)
    results = {c.name: decompose(c, VARIANTS) for c in collections}
    names = [c.name for c in collections]
    print("| variant | " + " | ".join(n.removeprefix("ir-") for n in names) + " | mean |")
    print("| --- |" + " ---: |" * (len(names) + 1))
    for variant in VARIANTS:
        cells = [results[n][variant] for n in names]
        ndcg = sum(c["nDCG@10"] for c in cells) / len(cells)
        ap = sum(c["MAP"] for c in cells) / len(cells)
        row = " | ".join(f"{c['nDCG@10']:.4f}/{c['MAP']:.4f}" for c in cells)
        print(f"| {variant} | {row} | {ndcg:.4f}/{ap:.4f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
