"""Faults and concurrency: killed reindexes, reindexing under query load, two reindexes, a full or read-only disk.

Every test runs the real CLI (``python -m indexer``) or a real gunicorn server in a subprocess.
"""

from __future__ import annotations

import fcntl
import resource
import shutil
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from indexer.index import store
from indexer.search import Engine
from tests.helpers import (
    PYTHON,
    ROOT,
    answer_state,
    cli_env,
    generate_corpus,
    get_json,
    gunicorn,
    index_state,
    kill_group,
    run_cli,
    start_cli,
)

pytestmark = pytest.mark.slow

OLD = 150  # articles in the served index: a full build takes a second or two
NEW = 60  # articles added before the reindex that gets killed (210 in all: the worker pool is used)


def _served_total(root: Path, word: str = "alpha") -> int:
    """How many articles a fresh reader of the served index finds for ``word``."""
    engine = Engine(root)
    try:
        return engine.search(word, per_page=1).total
    finally:
        engine.close()


def _assert_recovered(root: Path) -> None:
    """No leftovers of a killed run, and the lock is free."""
    assert not list(root.glob(f"{store.TMP_PREFIX}*"))
    assert not list(root.glob(f".{store.CURRENT}.*"))
    assert len(list(root.glob(f"{store.GEN_PREFIX}*"))) <= 2
    with open(root / store.LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if anything still holds it


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus of OLD articles and its index, built once by the real CLI; tests work on copies."""
    base = tmp_path_factory.mktemp("seed")
    corpus, root = generate_corpus(base / "corpus", OLD), base / "index"
    result = run_cli("reindex", "--quiet", "--corpus", str(corpus), "--index", str(root))
    assert result.returncode == 0, result.stderr
    return corpus, root


@pytest.fixture
def world(seed: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the seed corpus and index, with NEW more articles waiting to be indexed."""
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(seed[0], corpus)
    shutil.copytree(seed[1], root, symlinks=True)
    generate_corpus(corpus, NEW, start=OLD)
    assert _served_total(root) == OLD
    return corpus, root


def _wait_for(condition, proc: subprocess.Popen, timeout: float = 60) -> bool:  # type: ignore[no-untyped-def]
    """Poll until ``condition()``; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    raise AssertionError("timed out waiting for the reindex to reach the phase")


def _build_dir_bytes(root: Path) -> int:
    return sum(f.stat().st_size for d in root.glob(f"{store.TMP_PREFIX}*") for f in d.glob("*") if f.is_file())


def _gen_files(root: Path) -> set[str]:
    current = store.current_dir(root)
    return {f.name for f in current.iterdir()} if current else set()


# Phases of a real run, each detected from the outside; the process is SIGKILLed the moment it reaches one.
PHASES = {
    "full, on start": (["--full"], lambda root, before: True),
    "full, cleaning": (["--full"], lambda root, before: bool(list(root.glob(f"{store.TMP_PREFIX}*")))),
    "full, writing": (["--full"], lambda root, before: _build_dir_bytes(root) > 20_000),
    "incremental, writing": ([], lambda root, before: _gen_files(root) - before - {store.MANIFEST} != set()),
}


@pytest.mark.parametrize(("phase", "delay"), [(p, 0.0) for p in PHASES] + [("full, cleaning", 0.3)])
def test_sigkilled_reindex_leaves_the_index_serving_and_the_next_run_recovers(
    world: tuple[Path, Path], tmp_path: Path, phase: str, delay: float
) -> None:
    corpus, root = world
    flags, reached = PHASES[phase]
    before = _gen_files(root)
    proc = start_cli(
        "reindex", "--quiet", *flags, "--corpus", str(corpus), "--index", str(root), log=tmp_path / "killed.log"
    )
    try:
        in_time = _wait_for(lambda: reached(root, before), proc)
        time.sleep(delay)
        proc.kill()  # SIGKILL the reindex itself; its worker processes are orphaned, as in a real crash
        proc.wait(timeout=30)
    finally:
        kill_group(proc)
    if in_time:
        assert proc.returncode == -9
    # The served index is whole: the old articles, or (only if the run got all the way through) the new ones.
    assert _served_total(root) in (OLD, OLD + NEW)
    result = run_cli("reindex", "--quiet", *flags, "--corpus", str(corpus), "--index", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _served_total(root) == OLD + NEW
    _assert_recovered(root)


@pytest.mark.parametrize("point", ["1:after", "2:before", "2:after"])
def test_sigkill_during_the_swap(world: tuple[Path, Path], tmp_path: Path, point: str) -> None:
    corpus, root = world
    first = store.current_dir(root)
    proc = start_cli(
        "reindex",
        "--quiet",
        "--full",
        "--corpus",
        str(corpus),
        "--index",
        str(root),
        module="tests.faultcli",
        log=tmp_path / "killed.log",
        NEWSFIND_FAULT=f"swap:{point}",
    )
    try:
        proc.wait(timeout=120)
    finally:
        kill_group(proc)  # its orphaned helpers (worker pool, forkserver) too
    assert proc.returncode == -9, (tmp_path / "killed.log").read_text()
    swapped = point == "2:after"  # killed after ``current`` was replaced: the new generation is the served one
    assert (store.current_dir(root) != first) == swapped
    assert _served_total(root) == (OLD + NEW if swapped else OLD)
    result = run_cli("reindex", "--quiet", "--full", "--corpus", str(corpus), "--index", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _served_total(root) == OLD + NEW
    _assert_recovered(root)


def test_a_second_reindex_exits_with_a_clear_message(world: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, root = world
    release = tmp_path / "release"
    # The first run holds the lock until the test releases it: the build alone may be quicker than a CLI start.
    first = start_cli(
        "reindex",
        "--quiet",
        "--full",
        "--corpus",
        str(corpus),
        "--index",
        str(root),
        module="tests.faultcli",
        log=tmp_path / "first.log",
        NEWSFIND_FAULT=f"hold:{release}",
    )
    try:
        lock = root / store.LOCK_FILE
        assert _wait_for(lambda: lock.read_text().strip() == str(first.pid), first)
        second = run_cli("reindex", "--quiet", "--corpus", str(corpus), "--index", str(root))
        assert first.poll() is None
        release.touch()
        assert second.returncode == 1
        assert f"another reindex is running on {root} (pid {first.pid})" in second.stderr
        assert "Wait for it to finish and run again." in second.stderr
        assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()
    finally:
        kill_group(first)
    assert _served_total(root) == OLD + NEW
    _assert_recovered(root)
    assert run_cli("reindex", "--quiet", "--corpus", str(corpus), "--index", str(root)).returncode == 0


def _limit_file_size() -> None:
    # A real kernel refusal: writes past the limit fail with EFBIG, as writes fail with ENOSPC on a full disk.
    # 16 KiB: smaller than the segment files even a 60-article incremental update writes.
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))


@pytest.mark.parametrize("flags", [["--full"], []], ids=["full", "incremental"])
def test_disk_full_during_a_build_is_a_clear_error_and_the_old_index_serves(
    world: tuple[Path, Path], flags: list[str]
) -> None:
    corpus, root = world
    result = subprocess.run(
        [PYTHON, "-m", "indexer", "reindex", "--quiet", *flags, "--corpus", str(corpus), "--index", str(root)],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit_file_size,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Error: cannot write the index at {root}: [Errno 27] File too large" in result.stderr
    assert "The old index is untouched." in result.stderr
    assert "Traceback" not in result.stderr
    assert _served_total(root) == OLD
    # Once space is back, the next run completes without manual clean-up.
    assert run_cli("reindex", "--quiet", *flags, "--corpus", str(corpus), "--index", str(root)).returncode == 0
    assert _served_total(root) == OLD + NEW
    _assert_recovered(root)


@pytest.mark.parametrize("flags", [["--full"], []], ids=["full", "incremental"])
def test_read_only_index_directory_is_a_clear_error_and_the_old_index_serves(
    world: tuple[Path, Path], flags: list[str]
) -> None:
    corpus, root = world
    result = subprocess.run(
        [PYTHON, "-m", "tests.faultcli", "reindex", "--quiet", *flags, "--corpus", str(corpus), "--index", str(root)],
        cwd=ROOT,
        env=cli_env(NEWSFIND_FAULT="readonly", NEWSFIND_FAULT_DIR=str(root)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Error: cannot write the index at {root}: [Errno 30] Read-only file system" in result.stderr
    assert "Traceback" not in result.stderr
    assert _served_total(root) == OLD


def _query_loop(
    base: str,
    stop: threading.Event,
    seen: Counter,
    failures: list[str],
    states: set[str],
    deadline: float,
    max_requests: int,
) -> None:
    """Query until told to stop (bounded in count and time); record each response's index state."""
    for n in range(max_requests):
        if stop.is_set() or time.monotonic() > deadline:
            return
        path = "/api/search?q=alpha&per_page=100" if n % 5 else "/api/health"
        try:
            status, body = get_json(base + path)
        except OSError as exc:  # a refused or reset connection is a failed request too
            failures.append(f"{path}: {exc!r}")
            continue
        if status != 200:
            failures.append(f"{path}: {status} {body}")
            continue
        if path.startswith("/api/search"):
            states.add(answer_state(body["total"]["value"], [hit["title"] for hit in body["hits"]]))
        seen[path] += 1


def test_reindex_under_query_load(tmp_path: Path) -> None:
    # 60 articles match "alpha" (all on one page, so a response shows the whole index state); 300 others make
    # each build take a while. Then an incremental run edits 10 and adds 20, and a full run edits all of them.
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    generate_corpus(corpus / "match", 60, marker="alpha")
    generate_corpus(corpus / "filler", 300, marker="filler", start=1000)
    assert run_cli("reindex", "--quiet", "--corpus", str(corpus), "--index", str(root)).returncode == 0
    states = {"old": index_state(root)}
    stop, seen, failures, observed = threading.Event(), Counter(), [], set()
    with gunicorn(root) as base:
        deadline = time.monotonic() + 120
        threads = [
            threading.Thread(target=_query_loop, args=(base, stop, seen, failures, observed, deadline, 3000))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        try:
            for i in range(10):  # edited in place: the title changes
                path = corpus / "match" / "d00" / f"a{i:05d}.txt"
                path.write_text(path.read_text("utf-8").replace("alpha article", "alpha edited article"), "utf-8")
            generate_corpus(corpus / "match", 20, marker="alpha", start=60)
            result = run_cli("reindex", "--quiet", "--corpus", str(corpus), "--index", str(root))
            assert result.returncode == 0, result.stderr
            states["incremental"] = index_state(root)
            # Visible without a restart, on every worker and thread.
            for _ in range(8):
                assert get_json(base + "/api/search?q=alpha&per_page=1")[1]["total"]["value"] == 80
            for path in (corpus / "match").rglob("*.txt"):
                path.write_text(path.read_text("utf-8").replace("article number", "rebuilt number"), "utf-8")
            result = run_cli("reindex", "--quiet", "--full", "--corpus", str(corpus), "--index", str(root))
            assert result.returncode == 0, result.stderr
            states["full"] = index_state(root)
            for _ in range(8):
                body = get_json(base + "/api/search?q=alpha&per_page=1")[1]
                assert "rebuilt" in body["hits"][0]["title"]
            time.sleep(0.3)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
    assert failures == []
    assert seen["/api/search?q=alpha&per_page=100"] > 50
    assert len(set(states.values())) == 3
    # Every response came from one complete index: old, after the incremental run, or after the full one.
    assert observed <= set(states.values()), sorted(observed - set(states.values()))[:1]
