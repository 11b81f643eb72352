"""The article-extraction benchmark: its metric, its command line, and our score on the dev split."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench.extraction import aggregate, main, page_score, shingles, tokenize
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
    assert set(result["ours"]) == {"f1", "precision", "recall", "accuracy", "pages_per_s"}
    assert result["ours"]["f1"] == 1.0 and result["ours"]["accuracy"] == 1.0
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


@pytest.mark.needs_data("article-extraction-dev")
def test_dev_split_beats_every_published_extractor(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DEV), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    best = max(result["published"].items(), key=lambda kv: kv[1]["f1"])
    assert result["ours"]["f1"] > best[1]["f1"], best
