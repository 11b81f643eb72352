"""Replicas behind HAProxy (docs/deploy.md): three app nodes under load, one killed, a new generation rolled out
to the others. No request may fail, and every answer must come from one complete generation."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest

from indexer.index import store
from indexer.index.build import reindex
from tests.helpers import ROOT, answer_state, free_port, generate_corpus, get_json, gunicorn, index_state, kill_group

pytestmark = pytest.mark.slow
CONFIG = ROOT / "docs" / "deploy" / "haproxy.cfg"
QUERY = "/api/search?q=alpha&per_page=100"
ROLLOUT_SECONDS = 60  # bounds the wait for the new generation to be seen through the balancer


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        message = f"{tool} is not installed (make test installs it with apt)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _client(base: str, stop: threading.Event, states: Counter, failures: list[str]) -> None:
    """Ask through the balancer until told to stop (bounded in count); record each answer's index state."""
    for _ in range(20_000):
        if stop.is_set():
            return
        try:
            status, body = get_json(base + QUERY)
        except Exception as exc:  # noqa: BLE001 - refused, reset, cut short: each is a failed request
            failures.append(repr(exc))
            continue
        if status != 200:
            failures.append(f"{status} {body}")
            continue
        states[answer_state(body["total"]["value"], [hit["title"] for hit in body["hits"]])] += 1


def _balancer(bind: str, nodes: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEWSFIND_BIND": bind, **{f"NEWSFIND_NODE{i}": n for i, n in enumerate(nodes, 1)}}
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            ["haproxy", "-db", "-f", str(CONFIG)], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 20
    while True:
        try:
            if get_json(f"http://{bind}/api/health", timeout=2)[0] == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"haproxy did not start: {log.read_text()}")
        time.sleep(0.1)


def test_a_node_dies_and_a_generation_rolls_out_under_load(tmp_path: Path) -> None:
    _require("haproxy")
    _require("wrk")
    corpus, source = tmp_path / "corpus", tmp_path / "source"
    reindex(generate_corpus(corpus, 40), source)
    old = index_state(source)
    replicas = [tmp_path / f"replica{i}" for i in (1, 2, 3)]
    for replica in replicas:
        store.ship(source, replica)
    with ExitStack() as stack:
        servers: list[subprocess.Popen[bytes]] = []
        nodes = [stack.enter_context(gunicorn(r, workers=1, threads=2, started=servers)) for r in replicas]
        bind = f"127.0.0.1:{free_port()}"
        balancer = _balancer(bind, [n.removeprefix("http://") for n in nodes], tmp_path / "haproxy.log")
        stack.callback(kill_group, balancer)
        base = f"http://{bind}"
        for node in nodes:  # every node has opened its index before the load starts
            assert get_json(node + QUERY)[0] == 200
        stop, states, failures = threading.Event(), Counter(), []
        client = threading.Thread(target=_client, args=(base, stop, states, failures))
        client.start()
        # wrk loads the balancer until interrupted (then it prints its report); bounded by -d all the same.
        wrk = subprocess.Popen(
            ["wrk", "-t1", "-c4", f"-d{ROLLOUT_SECONDS + 30}s", "--timeout", "10s", base + QUERY],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(2)
        # Node 3 is killed as `kill` does (SIGTERM): it stops taking connections and finishes what it was
        # answering. (A SIGKILL mid-response cuts the bytes already on their way; no balancer can replay those.)
        servers[2].terminate()
        generate_corpus(corpus, 20, start=40)
        reindex(corpus, source)
        new = index_state(source)
        for replica in replicas[:2]:  # the live nodes get the new generation while answering
            store.ship(source, replica)
        deadline = time.monotonic() + ROLLOUT_SECONDS
        while states[new] < 20 and time.monotonic() < deadline and client.is_alive():
            time.sleep(0.1)
        wrk.send_signal(signal.SIGINT)
        report = wrk.communicate(timeout=60)[0]
        stop.set()
        client.join(timeout=30)
        generations = {get_json(node + "/api/health")[1]["generation"] for node in nodes[:2]}
    assert new != old
    assert failures == [], failures[:5]
    errors = [line for line in (tmp_path / "haproxy.log").read_text().splitlines() if '" 200 ' not in line]
    assert "Non-2xx" not in report and "Socket errors" not in report, (report, errors[-10:])
    assert re.search(r"(\d+) requests in", report) and int(re.search(r"(\d+) requests in", report)[1]) > 0
    assert set(states) <= {old, new}, set(states) - {old, new}  # every answer from one complete generation
    assert states[old] > 0 and states[new] > 0
    assert len(generations) == 1  # both live nodes serve the same shipped generation
