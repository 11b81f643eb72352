"""The places benchmark: its scoring, its command line, and a floor on the hand-checked eval set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import places as bench

FIGURES = {"precision", "recall", "f1", "sentences", "tp", "fp", "fn", "false_positives", "false_negatives"}


def test_eval_file_is_well_formed() -> None:
    items = bench.read_jsonl(bench.EVAL)
    assert 40 <= len(items) <= 60
    for item in items:
        assert set(item) == {"text", "expected", "source"}
        assert item["text"].strip() and item["expected"] == sorted(set(item["expected"]))
        assert item["source"].startswith(("news-bbc/", "news-agnews-test/"))


def test_score_on_the_eval_set_keeps_a_floor() -> None:
    figures = bench.score(bench.read_jsonl(bench.EVAL))
    assert set(figures) == FIGURES
    assert figures["precision"] >= 0.9 and figures["recall"] >= 0.8 and figures["f1"] >= 0.85
    assert figures["fp"] == len(figures["false_positives"]) and figures["fn"] == len(figures["false_negatives"])


def test_score_counts_pairs() -> None:
    items = [
        {"text": "a", "expected": ["Japan", "Russia"], "source": "s1"},
        {"text": "b", "expected": [], "source": "s2"},
    ]
    answers = {"a": ["Japan", "Chad"], "b": ["Peru"]}
    figures = bench.score(items, detect=answers.__getitem__)
    assert (figures["tp"], figures["fp"], figures["fn"]) == (1, 2, 1)
    assert figures["precision"] == pytest.approx(1 / 3) and figures["recall"] == pytest.approx(1 / 2)
    assert [e["place"] for e in figures["false_positives"]] == ["Chad", "Peru"]
    assert figures["false_negatives"] == [{"place": "Russia", "source": "s1", "text": "a"}]


def test_cli_json_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.jsonl"
    docs = [{"title": "Talks in Tokyo", "text": "Japan and Kyrgyz officials met."}, {"title": "x", "text": "y"}]
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), "utf-8")
    assert bench.main(["--corpus", str(corpus), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures["quality"]) == FIGURES
    speed = figures["speed"]
    assert speed["articles"] == 2 and speed["articles_per_s"] > 0 and speed["cost_vs_baseline"] > 0
    assert bench.main(["--articles", "0"]) == 0
    table = capsys.readouterr().out
    assert "precision" in table and "speed" not in table
