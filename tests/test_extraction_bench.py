"""The article-extraction benchmark: its metric, its command line, and our score on the dev split."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench.extraction import OURS, aggregate, evaluate, find_sets, main, page_score, sample_ids, shingles, tokenize
from bench.extraction_report import summary
from bench.shared import DATA

DEV = DATA / "article-extraction-dev"


def test_tokens_and_shingles() -> None:
    assert tokenize("Hello, world! It's 2024_x.") == ["Hello", "world", "It", "s", "2024_x"]
    assert shingles(["a", "b"]) == {("a", "b"): 1}  # shorter than 4 tokens: one shorter shingle
    assert shingles(["a", "b", "c", "d", "a", "b", "c", "d"])[("a", "b", "c", "d")] == 2
    assert shingles([]) == {}


@pytest.mark.parametrize(
    ("true", "pred", "expected"),
    [
        ("one two three four five", "one two three four five", (1.0, 0.0, 0.0, True)),
        ("one two three four five", "", (0.0, 0.0, 1.0, False)),
        ("one two three four five", "one two three four", (0.5, 0.0, 0.5, False)),
        ("one two three four", "one two three four five", (0.5, 0.5, 0.0, False)),
        ("", "", (0.0, 0.0, 0.0, True)),
    ],
)
def test_page_score_is_normalised(true: str, pred: str, expected: tuple) -> None:
    assert page_score(true, pred) == pytest.approx(expected)


def test_aggregate_means_over_pages_then_f1() -> None:
    scores = [page_score("a b c d e", "a b c d e"), page_score("a b c d e", "a b c d"), page_score("x", "")]
    result = aggregate(scores)
    assert result["precision"] == pytest.approx((1 + 1 + 0) / 3)
    assert result["recall"] == pytest.approx((1 + 0.5 + 0) / 3)
    p, r = result["precision"], result["recall"]
    assert result["f1"] == pytest.approx(2 * p * r / (p + r))
    assert result["accuracy"] == pytest.approx(1 / 3)
    assert result["under_half"] == 1  # the half-found page (F1 2/3) is not lost; the empty one is
    assert aggregate([page_score("", "")])["f1"] == 1.0  # nothing to find, nothing found


def _folder(tmp_path: Path) -> Path:
    body = " ".join(f"word{i}" for i in range(60))
    (tmp_path / "html").mkdir(parents=True)
    (tmp_path / "extractor-outputs").mkdir()
    page = f"<html><head><title>T</title></head><body><nav>Home News</nav><article><p>{body}</p></article></body>"
    (tmp_path / "html" / "p1.html.gz").write_bytes(gzip.compress(page.encode()))
    (tmp_path / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": body, "url": "https://x/"}}))
    versioned = {"version": "1.0", "output": {"p1": {"articleBody": "Home News " + body}}}
    (tmp_path / "extractor-outputs" / "wordy.json.gz").write_bytes(gzip.compress(json.dumps(versioned).encode()))
    (tmp_path / "extractor-outputs" / "empty.json").write_text(json.dumps({"p1": {"articleBody": ""}}))
    return tmp_path


def test_cli_json_and_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path / "data")
    out = tmp_path / "ours.json"
    assert main([str(folder), "--json", "--out", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["ours"]) == {"f1", "precision", "recall", "accuracy", "under_half", "pages_per_s"}
    assert result["ours"]["f1"] == 1.0 and result["ours"]["accuracy"] == 1.0
    assert {"trafilatura", "trafilatura fast", "resiliparse"} <= set(result["references"])
    assert all(r["pages_per_s"] > 0 for r in result["references"].values())
    assert set(result["published"]) == {"wordy", "empty"}
    assert result["published"]["empty"]["f1"] == 0.0
    assert 0 < result["published"]["wordy"]["precision"] < 1 == result["published"]["wordy"]["recall"]
    assert json.loads(out.read_text())["p1"]["articleBody"].startswith("word0 word1")


def test_cli_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(_folder(tmp_path))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["extractor", "F1", "precision"]
    assert lines[1].startswith("newsfind (ours)")
    assert "pages/s" in lines[-1]


def test_every_set_in_one_run_with_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, two = _folder(tmp_path / "one"), _folder(tmp_path / "two")
    assert main([str(one), str(two), "--json", "--workers", "2", "--sample", "1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["sets"]) == {"one", "two"}
    assert set(result["summary"]) == {OURS, "trafilatura", "trafilatura fast", "resiliparse"}
    assert result["summary"][OURS]["f1"] == 1.0 and result["summary"][OURS]["under_half"] == 0
    assert main([str(one), str(two)]) == 0
    table = capsys.readouterr().out
    assert "| **all sets, equal weight** | 2 | newsfind (ours) | 1.000 |" in table


def test_summary_weights_sets_equally() -> None:
    def run(f1: float, pages: int, speed: float) -> dict:
        figures = {"f1": f1, "precision": f1, "recall": f1, "accuracy": 0.0, "under_half": 1, "pages_per_s": speed}
        return {"pages": pages, "ours": figures, "references": {}, "published": {"x": figures}}

    result = summary({"big": run(0.9, 990, 10.0), "small": run(0.5, 10, 10.0)})
    assert set(result) == {OURS}  # published outputs exist on one set only: no summary
    assert result[OURS]["f1"] == pytest.approx(0.7)
    assert result[OURS]["under_half"] == 2
    assert result[OURS]["pages_per_s"] == pytest.approx(10.0)


def test_sample_is_the_same_pages_whatever_the_order() -> None:
    ids = [f"page-{i}" for i in range(50)]
    picked = sample_ids(ids, 7)
    assert picked == sample_ids(reversed(ids), 7) == sorted(picked)
    assert len(picked) == 7 and set(picked) <= set(ids)
    assert sample_ids(ids, None) == sample_ids(ids, 500) == sorted(ids)


@pytest.mark.needs_data("article-extraction-dev", "extraction-dragnet", "extraction-wcxb")
def test_every_shared_set_is_found() -> None:
    names = {p.name for p in find_sets()}
    assert {"article-extraction-dev", "extraction-dragnet", "extraction-wcxb"} <= names


@pytest.mark.needs_data("article-extraction-dev")
def test_dev_split_no_worse_than_trafilatura_and_loses_no_more_articles() -> None:
    results, bodies = evaluate(DEV, names=[OURS], std=False)
    published = results["published"]["trafilatura"]
    assert len(bodies) == results["pages"] == 61
    assert results["ours"]["f1"] > published["f1"], published
    assert results["ours"]["under_half"] <= published["under_half"], published
