from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from indexer.cli import cli
from indexer.index import store
from tests.helpers import free_port, generate_corpus, get_json, kill_group, start_cli


def _reindex(runner, corpus: Path, index: Path, *extra: str):
    return runner.invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index), "--quiet", *extra])


def test_reindex_prints_summary_then_no_changes(runner, corpus: Path, tmp_path: Path) -> None:
    (corpus / "bad.html").write_text("<html><nav>menu only</nav></html>")
    first = _reindex(runner, corpus, tmp_path / "ix")
    assert first.exit_code == 0, first.output
    assert "(full rebuild)" in first.output
    assert "6 changes: added 6, updated 0, deleted 0; unchanged 0; skipped 1." in first.output
    assert "skipped bad.html: no article text" in first.output
    assert "added from: 000_d3a34fce153d5282.txt, 002_10c5046bec448ba0.txt, export.jsonl" in first.output
    second = _reindex(runner, corpus, tmp_path / "ix")
    assert "0 changes: added 0, updated 0, deleted 0; unchanged 6; skipped 1." in second.output
    assert "skipped bad.html: no article text" in second.output  # still broken: still reported
    assert "(incremental)" in second.output and "from:" not in second.output
    data = json.loads(_reindex(runner, corpus, tmp_path / "ix", "--json").output)
    assert data["files"] == {"added": [], "updated": [], "deleted": []} and len(data["skipped"]) == 1


def test_reindex_full_and_json(runner, corpus: Path, tmp_path: Path) -> None:
    _reindex(runner, corpus, tmp_path / "ix")
    result = _reindex(runner, corpus, tmp_path / "ix", "--full", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["full"] is True and data["changes"] == 0 and data["documents"] == 6


def test_reindex_reads_settings_from_environment(runner, corpus: Path, tmp_path: Path) -> None:
    env = {"NEWSSEARCH_CORPUS_DIR": str(corpus), "NEWSSEARCH_INDEX_DIR": str(tmp_path / "env-ix")}
    result = runner.invoke(cli, ["reindex", "--quiet"], env=env)
    assert result.exit_code == 0, result.output
    assert store.current_dir(tmp_path / "env-ix") is not None


def test_reindex_busy_and_missing_corpus_are_clear_errors(runner, corpus: Path, tmp_path: Path) -> None:
    with store.reindex_lock(tmp_path / "ix"):
        busy = _reindex(runner, corpus, tmp_path / "ix")
    assert busy.exit_code == 1 and "another reindex is running" in busy.output
    missing = _reindex(runner, tmp_path / "nowhere", tmp_path / "ix")
    assert missing.exit_code == 1 and "corpus folder not found" in missing.output


def test_search_prints_ranked_highlighted_results(runner, built_index: Path) -> None:
    result = runner.invoke(cli, ["search", "rule of law", "--index", str(built_index)], color=True)
    assert result.exit_code == 0
    assert "2 results for 'rule of law'" in result.output
    past = runner.invoke(cli, ["search", "rule of law", "--page", "3", "--index", str(built_index)])
    assert past.exit_code == 0 and "page 3 is past the last (1)" in past.output
    assert "1. " in result.output and "2. " in result.output
    assert "\x1b[" in result.output and "<mark>" not in result.output


def test_search_says_which_query_it_answered(runner, features_index: Path) -> None:
    corrected = runner.invoke(cli, ["search", "parliment pensions", "--index", str(features_index)])
    assert corrected.exit_code == 0
    assert "2 results for 'parliament pensions' (typed: 'parliment pensions')" in corrected.output
    offered = runner.invoke(cli, ["search", "deel", "--index", str(features_index)])  # too short to be replaced
    assert (
        offered.exit_code == 0 and "Did you mean: deal?" in offered.output and "0 results for 'deel'" in offered.output
    )


def test_search_json_and_bad_index(runner, built_index: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["search", "rail", "--json", "--index", str(built_index)])
    assert json.loads(result.output)["hits"][0]["id"] == "wire-1"
    missing = runner.invoke(cli, ["search", "rail", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "no index at" in missing.output


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--source", "Wire Service"], {"wire-1", "wire-2"}),
        (["--place", "Uzbekistan"], {"wire-1"}),
        (["--from", "2023-01-01"], {"wire-1"}),
        (["--to", "2023-01-01"], {"wire-2"}),
        (["--source", "Nobody"], set()),
    ],
)
def test_search_filters(runner, built_index: Path, options: list[str], expected: set[str]) -> None:
    result = runner.invoke(cli, ["search", "rail OR election", "--json", "--index", str(built_index), *options])
    assert result.exit_code == 0, result.output
    assert {h["id"] for h in json.loads(result.output)["hits"]} == expected


def test_search_sort_and_usage_errors_exit_2(runner, built_index: Path) -> None:
    result = runner.invoke(
        cli, ["search", "rail OR election", "--sort", "oldest", "--json", "--index", str(built_index)]
    )
    assert [h["id"] for h in json.loads(result.output)["hits"]] == ["wire-2", "wire-1", "hostile"]  # undated last
    for bad in (
        ["--sort", "random"],
        ["--from", "yesterday"],
        ["--per-page", "0"],
        ["--from", "2005-01-01", "--to", "2004-01-01"],
    ):
        assert runner.invoke(cli, ["search", "rail", "--index", str(built_index), *bad]).exit_code == 2
    assert "Exit status" in runner.invoke(cli, ["--help"]).output


def test_search_sorted_by_date_prints_no_score(runner, built_index: Path) -> None:
    by_date = runner.invoke(cli, ["search", "rule of law", "--sort", "newest", "--index", str(built_index)])
    assert by_date.exit_code == 0 and "id: " in by_date.output and "score" not in by_date.output
    data = json.loads(
        runner.invoke(cli, ["search", "law", "--sort", "oldest", "--json", "--index", str(built_index)]).output
    )
    assert data["hits"] and all(h["score"] is None for h in data["hits"])
    assert "score: " in runner.invoke(cli, ["search", "rule of law", "--index", str(built_index)]).output


def test_stats(runner, built_index: Path) -> None:
    result = runner.invoke(cli, ["stats", "--index", str(built_index)])
    assert result.exit_code == 0
    assert "Documents:  6" in result.output
    assert "Wire Service" in result.output and "Arab News Japan" in result.output
    data = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(built_index)]).output)
    assert data["documents"] == 6 and data["sources"]["Wire Service"] == 2 and data["size_bytes"] > 0


def test_stats_on_two_incremental_runs_of_text_files_without_sources(runner, tmp_path: Path) -> None:
    # Two runs make two segments; no article names a source (issue 21, bug 1: an IndexError, exit 1).
    corpus = generate_corpus(tmp_path / "corpus", 3)
    assert _reindex(runner, corpus, tmp_path / "ix").exit_code == 0
    generate_corpus(corpus, 2, start=3)
    assert "(incremental)" in _reindex(runner, corpus, tmp_path / "ix").output
    result = runner.invoke(cli, ["stats", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Documents:  5" in result.output and "       5  (none)" in result.output
    data = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(tmp_path / "ix")]).output)
    assert data["sources"] == {"(none)": 5}


@pytest.mark.parametrize("passed", [None, "elsewhere/ix"])
def test_the_reindex_hint_keeps_the_index_the_user_passed(
    runner, passed: str | None, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default index folder is relative: make sure none is there
    result = runner.invoke(cli, ["stats", *(["--index", passed] if passed else [])], env={"NEWSSEARCH_INDEX_DIR": None})
    assert result.exit_code == 1
    hint = result.output.split("Build it with: ", 1)[1].strip()
    assert hint == ("newsfind reindex --index elsewhere/ix" if passed else "newsfind reindex")


@pytest.mark.slow
def test_serve_runs_the_production_server(built_index: Path, tmp_path: Path) -> None:
    port = free_port()
    proc = start_cli(
        "serve",
        "--index",
        str(built_index),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        log=tmp_path / "serve.log",
    )
    try:
        deadline = time.monotonic() + 30
        while (answer := _health(port)) is None and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert answer is not None, (tmp_path / "serve.log").read_text()
        assert answer[0] == 200 and answer[1]["documents"] == 6, answer
        proc.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        assert proc.wait(timeout=30) == 0
    finally:
        kill_group(proc)
    log = (tmp_path / "serve.log").read_text()
    assert "gunicorn" in log.lower() and "GET /api/health" in log  # the access log, as make run had it


def _health(port: int) -> tuple[int, object] | None:
    try:
        return get_json(f"http://127.0.0.1:{port}/api/health", timeout=2)
    except OSError:
        return None


@pytest.mark.parametrize("command", [[], ["reindex"], ["search"], ["stats"], ["serve"], ["ship"]])
def test_every_command_has_help(runner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 4


def test_a_failed_build_is_a_clear_error(runner, corpus: Path, tmp_path: Path, monkeypatch) -> None:
    from indexer.index import build, writers

    def fail(*args, **kwargs):
        raise writers.BuildError("indexed 5 of 6 documents")

    monkeypatch.setattr(build, "reindex", fail)
    result = runner.invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 1 and "the build failed: indexed 5 of 6 documents" in result.output
    assert "Traceback" not in result.output
