"""A full build on a real Dask cluster (a scheduler and two worker processes on loopback) gives the index a local
build gives, and still does when a worker is killed in the middle of the build."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.clean.sources import walk_corpus
from indexer.cli import cli
from indexer.index import cluster, parts, store
from indexer.index.build import reindex
from indexer.index.writers import BuildError
from indexer.search import Engine
from tests.cluster_delay import DELAY, MARKERS
from tests.helpers import ROOT, free_port, generate_corpus
from tests.test_warc import archive, warc_bytes

pytestmark = pytest.mark.slow
START_SECONDS = 60
QUERIES = ["alpha", "market election", "rogun dam", '"story number"', "tajikistan -water", "reservoir story"]


def _wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Cluster:
    """A Dask scheduler and worker processes (``--nworkers 1 --nthreads 1``, no nanny) started by this test."""

    def __init__(self, tmp: Path, workers: int = 2, **env: str) -> None:
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        self.logs = tmp / "dask-logs"
        self.logs.mkdir()
        environ = {**os.environ, **env}
        self.procs: list[subprocess.Popen[bytes]] = []
        self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port)], environ)
        _wait_for(lambda: _listening(port), START_SECONDS, "the scheduler")
        self.workers = [
            self._start(
                f"worker{n}",
                ["worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1"]
                + ["--preload", str(ROOT / "tests" / "cluster_delay.py"), "--name", f"w{n}"],
                environ,
            )
            for n in range(workers)
        ]
        from distributed import Client

        with Client(self.address, timeout=START_SECONDS, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=START_SECONDS)

    def _start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "dask", *args, "--no-dashboard"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.logs,  # not the repository: the workers find everything by absolute paths
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        """Kill every process this cluster started, workers first."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


@pytest.fixture
def start_cluster(tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    """Start a cluster (environment variables for its processes as keywords); torn down when the test ends."""
    started: list[Cluster] = []

    def start(workers: int = 2, **env: str) -> Cluster:
        try:
            started.append(Cluster(tmp_path, workers, **env))
        except BaseException:
            for log in sorted((tmp_path / "dask-logs").glob("*.log")):
                print(log.name, log.read_text(errors="replace")[-3000:])
            raise
        return started[-1]

    yield start
    for c in started:
        c.stop()


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Small files, a JSONL export cut into ranges (a broken line, a duplicate id in a later range), a web archive
    cut into ranges of records, and an empty file."""
    monkeypatch.setattr(parts, "TASK_BYTES", 6000)  # so a small export is cut, and small files make several tasks
    folder = generate_corpus(tmp_path / "corpus", 40)
    lines = []
    for i in range(160):
        record = {
            "id": f"s{i}",
            "title": f"Story {i}",
            "text": f"Story number {i} on the Rogun dam in Tajikistan. " * 4,
        }
        lines.append("{not json" if i == 17 else json.dumps(record if i != 150 else {**record, "id": "s3"}))
    (folder / "export.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (folder / "empty.txt").write_text("", "utf-8")
    (folder / "crawl.warc.gz").write_bytes(warc_bytes(archive(30), gzip=True))
    tasks = list(parts.plan(folder, walk_corpus(folder)))
    assert len(tasks) > 8 and sum(p.relpath == "crawl.warc.gz" and p.end is not None for t in tasks for p in t) > 2
    return folder


def _documents(root: Path) -> list[dict[str, object]]:
    ix = store.open_index(root)
    try:
        with ix.searcher() as searcher:
            docs = sorted(searcher.all_stored_fields(), key=lambda d: d["id"])
    finally:
        ix.close()
    return docs


def _answers(engine: Engine) -> list[list[tuple[str, str, float]]]:
    """Ids, titles and scores of the queries' hits (equal scores in id order: segments number documents apart)."""
    answers = []
    for query in QUERIES:
        hits = [(h.id, h.title, round(h.score or 0.0, 6)) for h in engine.search(query).hits]
        answers.append(sorted(hits, key=lambda h: (-h[2], h[0])))
    return answers


def _same_index(local: Path, distributed: Path, open_engine) -> None:
    docs = _documents(distributed)
    assert docs == _documents(local)
    assert len({d["id"] for d in docs}) == len(docs)  # every article once
    answers = _answers(open_engine(distributed))
    assert answers == _answers(open_engine(local)) and all(answers)


def _only_committed_segments(root: Path) -> None:
    """Every file of the published generation belongs to a segment in its table of contents."""
    ix = store.open_index(root)
    try:
        names = {s.segment_id() for s in ix._segments()}
    finally:
        ix.close()
    for path in store.current_dir(root).iterdir():
        if path.name.startswith("MAIN_") and not path.name.startswith("MAIN_WRITELOCK"):
            assert path.name.split(".")[0] in names, path.name


def test_a_cluster_build_gives_the_index_a_local_build_gives(tmp_path, corpus, start_cluster, open_engine) -> None:
    c = start_cluster()
    local = reindex(corpus, tmp_path / "local", full=True)
    distributed = reindex(corpus, tmp_path / "distributed", full=True, cluster=c.address)
    assert distributed.processes == 2 and distributed.documents == local.documents == 198 + 24
    assert (distributed.added, distributed.skipped) == (local.added, local.skipped)
    assert {s.reason.split(" (")[0] for s in local.skipped} >= {"empty file", "duplicate id 's3'"}
    assert store.read_manifest(store.current_dir(tmp_path / "distributed")) == store.read_manifest(
        store.current_dir(tmp_path / "local")
    )
    _same_index(tmp_path / "local", tmp_path / "distributed", open_engine)
    _only_committed_segments(tmp_path / "distributed")


def test_a_worker_killed_mid_build_loses_nothing_and_duplicates_nothing(
    tmp_path, corpus, start_cluster, open_engine, monkeypatch
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    c = start_cluster(**{DELAY: "0.3", MARKERS: str(markers)})
    monkeypatch.setattr(cluster, "CHUNKS_PER_WORKER", 3)
    outcome: dict[str, object] = {}

    def build() -> None:
        try:
            outcome["report"] = reindex(corpus, tmp_path / "distributed", full=True, cluster=c.address)
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = exc

    builder = threading.Thread(target=build)
    builder.start()
    victim = c.workers[0]
    # Once the victim is on its second task, a chunk of it is in flight (and maybe another one done).
    _wait_for(lambda: len(list(markers.glob(f"{victim.pid}-*"))) >= 2, START_SECONDS, "a task on the first worker")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    builder.join(timeout=120)
    assert not builder.is_alive() and "error" not in outcome, outcome.get("error")
    assert victim.returncode == -signal.SIGKILL and c.workers[1].poll() is None
    # The chunk the victim was running was run again on the other worker: more task starts than tasks.
    assert len(list(markers.iterdir())) > len(list(parts.plan(corpus, walk_corpus(corpus))))
    local = reindex(corpus, tmp_path / "local", full=True)
    report = outcome["report"]
    assert (report.added, report.skipped, report.documents) == (local.added, local.skipped, local.documents)
    _same_index(tmp_path / "local", tmp_path / "distributed", open_engine)
    _only_committed_segments(tmp_path / "distributed")


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "127.0.0.1"], ids=["nobody-there", "no-port"])
def test_a_cluster_that_cannot_be_reached_fails_the_build_and_keeps_the_index(
    tmp_path, corpus, monkeypatch, address
) -> None:
    root = tmp_path / "index"
    reindex(corpus, root, full=True)
    before = store.current_dir(root)
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    address = address.format(port=free_port())
    result = CliRunner().invoke(
        cli, ["reindex", "--full", "--corpus", str(corpus), "--index", str(root), "--cluster", address]
    )
    assert result.exit_code == 1 and f"no Dask cluster with workers at {address}" in result.output
    assert "the old index is untouched" in result.output.lower()
    assert store.current_dir(root) == before and not list(root.glob(f"{store.TMP_PREFIX}*"))


def test_a_build_whose_every_worker_is_lost_fails_and_keeps_the_index(
    tmp_path, corpus, start_cluster, monkeypatch
) -> None:
    root = tmp_path / "index"
    reindex(corpus, root, full=True)
    before = store.current_dir(root)
    markers = tmp_path / "markers"
    markers.mkdir()
    c = start_cluster(workers=1, **{DELAY: "0.5", MARKERS: str(markers)})
    monkeypatch.setattr(cluster, "NO_WORKERS_SECONDS", 1)
    killer = threading.Thread(target=lambda: _kill_when_busy(c.workers[0], markers))
    killer.start()
    try:
        with pytest.raises(BuildError, match="no worker"):
            reindex(corpus, root, full=True, cluster=c.address)
    finally:
        killer.join(timeout=START_SECONDS)
    assert store.current_dir(root) == before and not list(root.glob(f"{store.TMP_PREFIX}*"))


def _kill_when_busy(worker: subprocess.Popen[bytes], markers: Path) -> None:
    _wait_for(lambda: any(markers.iterdir()), START_SECONDS, "a task on the worker")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
