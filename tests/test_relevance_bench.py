from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench import relevance

DOCS = [
    {"id": "d1", "title": "Rail link opens", "text": "A new rail link to Kyrgyzstan opened on Tuesday."},
    {"id": "d2", "title": "Election results", "text": "The election commission announced results after a count."},
    {"id": "d3", "title": "Wheat harvest", "text": "Farmers brought in a record wheat harvest this summer."},
    {"id": "d4", "title": "Football final", "text": "The football final went to penalties in the rain."},
]
TOPICS = [
    {"qid": "1", "query": "rail link"},
    {"qid": "2", "query": "election results"},
    {"qid": "3", "query": "wheat harvest"},
    {"qid": "4", "query": "football final"},
]


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    folder = tmp_path / "collection"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in DOCS), "utf-8")
    (folder / "topics.jsonl").write_text("".join(json.dumps(t) + "\n" for t in TOPICS), "utf-8")
    (folder / "qrels.txt").write_text("".join(f"{n} 0 d{n} 1\n" for n in range(1, 5)), "utf-8")
    return folder


def test_perfect_ranking_scores_one(collection: Path, tmp_path: Path) -> None:
    run_file = tmp_path / "ours.run"
    figures = relevance.bench(collection, run_file=run_file)
    assert set(figures) == {"ours", "reference"}
    assert set(figures["reference"]) == set(relevance.REFERENCE)
    for values in [figures["ours"], *figures["reference"].values()]:
        assert set(values) == set(relevance.MEASURES)
        assert values["nDCG@10"] == values["MAP"] == values["MRR@10"] == values["R@100"] == 1.0
    lines = [line.split() for line in run_file.read_text("utf-8").splitlines()]
    assert ["1", "Q0", "d1", "1"] == lines[0][:4] and all(len(line) == 6 for line in lines)


def test_cli_prints_json_and_a_table(collection: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert relevance.main([str(collection), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["ours"]["nDCG@10"] == 1.0
    assert relevance.main([str(collection)]) == 0
    table = capsys.readouterr().out
    assert "| newsfind (ours) |" in table and "sqlite-fts5-porter" in table


def test_a_topic_without_results_counts_as_zero(collection: Path) -> None:
    (collection / "topics.jsonl").write_text(json.dumps({"qid": "1", "query": "zeppelin"}) + "\n", "utf-8")
    (collection / "qrels.txt").write_text("1 0 d1 1\n", "utf-8")
    figures = relevance.bench(collection, references={})
    assert figures["ours"]["nDCG@10"] == 0.0 and figures["reference"] == {}


def test_a_topic_longer_than_the_query_cap_is_read_whole(collection: Path) -> None:
    from indexer.search import request

    long_topic = "wheat harvest " + "farmers record summer " * 40  # above MAX_QUERY_CHARS
    assert len(long_topic) > request.MAX_QUERY_CHARS
    (collection / "topics.jsonl").write_text(json.dumps({"qid": "3", "query": long_topic}) + "\n", "utf-8")
    (collection / "qrels.txt").write_text("3 0 d3 1\n", "utf-8")
    figures = relevance.bench(collection, references={})
    assert figures["ours"]["nDCG@10"] == 1.0
    assert request.MAX_QUERY_CHARS == 500  # the product's cap is back


def test_tuning_tries_each_setting_and_leaves_each_collection_out(tmp_path: Path, capsys) -> None:
    from bench import relevance_tune
    from indexer.search.ranking import model

    folders = []
    for name in ("ir-a", "ir-b", "ir-c"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in DOCS), "utf-8")
        (folder / "topics.jsonl").write_text("".join(json.dumps(t) + "\n" for t in TOPICS), "utf-8")
        (folder / "qrels.txt").write_text("".join(f"{n} 0 d{n} 1\n" for n in range(1, 5)), "utf-8")
        folders.append(str(folder))
    k1 = model.K1
    args = [*folders, "--grid", "model.K1=1.2,2.0", "--indexes", str(tmp_path / "indexes")]
    assert relevance_tune.main(args) == 0
    out = capsys.readouterr().out
    assert "| model.K1=1.2 | 1.0000/1.0000" in out and "| model.K1=2.0 |" in out
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("without")] == [
        "without ir-a",
        "without ir-b",
        "without ir-c",
    ]
    assert model.K1 == k1  # each setting is undone after its run
    assert relevance_tune.searching._hit.__name__ == "_hit"  # and highlighting is back


def test_the_decomposition_starts_from_bm25s_own_ranking() -> None:
    """Its first row is bm25s as the reference runs it: the same documents in the same order."""
    pytest.importorskip("bm25s")
    from bench import relevance_decompose, relevance_refs

    docs = [*DOCS, {"id": "d5", "title": "Rail strike", "text": "Rail workers strike over pay; the link is shut."}]
    topics = [*TOPICS, {"qid": "5", "query": "the rail link strike and the pay of rail workers"}]
    ours = relevance_decompose.rank(docs, topics, relevance_decompose.VARIANTS["bm25s"])
    assert ours == relevance_refs.bm25s_en(docs, topics)
    assert list(ours["5"])[0] == "d5"


def test_the_decomposition_changes_one_thing_per_variant() -> None:
    from bench.relevance_decompose import DERIVED, VARIANTS, Setup

    def changed(setup: Setup, base: Setup) -> int:
        return sum(getattr(setup, f) != getattr(base, f) for f in Setup.__dataclass_fields__)

    bases = (Setup(), VARIANTS["all of ours"], DERIVED)  # the saturations change all of ours, titles derived
    for name, setup in VARIANTS.items():
        assert min(changed(setup, base) for base in bases) <= 1 or name == "all of ours", name


def test_the_decomposition_derives_titles_and_floors_each_matched_word() -> None:
    from bench.relevance_decompose import DERIVED, rank

    docs = [
        {"id": "late", "text": "Workers met at dawn. The depot voted to strike."},
        {"id": "early", "text": "The depot voted to strike. Workers met at dawn."},
    ]
    topics = [{"qid": "1", "query": "strike"}]
    # The same words in the same numbers: only a title derived from the opening sentence tells them apart.
    assert list(rank(docs, topics, replace(DERIVED, derived_titles=False))["1"].values()) == [2.0, 1.0]
    assert list(rank(docs, topics, DERIVED)["1"])[0] == "early"
    # One word said often in a short article, against both words in a longer one: BM25+'s floor per matched word
    # puts the second first.
    docs = [
        *({"id": f"o{i}", "title": "Other", "text": "news of the day"} for i in range(4)),
        {"id": "often", "title": "Note", "text": "strike strike strike strike the end"},
        {"id": "both", "title": "Note", "text": "strike at the depot" + " and more words" * 10},
    ]
    topics = [{"qid": "1", "query": "strike depot"}]
    assert list(rank(docs, topics, DERIVED)["1"]) == ["often", "both"]
    assert list(rank(docs, topics, replace(DERIVED, delta=1.0))["1"]) == ["both", "often"]


def test_topics_are_listed_with_their_path_beside_a_reference(collection: Path, tmp_path: Path, capsys) -> None:
    from bench import relevance_topics

    args = [str(collection), "--reference", "whoosh-defaults", "--cache", str(tmp_path / "refs")]
    assert relevance_topics.main([*args, "--indexes", str(tmp_path / "indexes")]) == 0
    out = capsys.readouterr().out
    # Two words each, every one found by its AND: strict, and as good as the reference (each has its article).
    assert "| 1 | strict | 1.000/1.000 | 1.000/1.000 | 1.000/1.000 | rail link |" in out
    assert "| strict | 4 | +0.0000 | +0.0000 | +0.0000 |" in out
    assert relevance_topics.searching.find.__name__ == "find"  # the recording is undone
