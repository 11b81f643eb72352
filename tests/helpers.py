"""Helpers for the fault, hostile-input and security tests: generated corpora, the real CLI, a real server."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORDS = "market election summit river council energy harvest railway treaty budget court festival".split()


def generate_corpus(folder: Path, count: int, marker: str = "alpha", start: int = 0) -> Path:
    """``count`` small, distinct plain-text articles, each containing ``marker`` and its number in the title."""
    for i in range(start, start + count):
        rng = random.Random(i)  # distinct bodies: near-duplicates would be folded into one result
        sub = folder / f"d{i // 250:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        body = " ".join(rng.choice(WORDS) for _ in range(60))
        (sub / f"a{i:05d}.txt").write_text(f"{marker} article number {i}\n\nTOKYO: {marker} {body}.", "utf-8")
    return folder


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI or server subprocess: this checkout importable, no inherited index settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSSEARCH_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_cli(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m indexer ARGS`` to completion."""
    return subprocess.run(
        [PYTHON, "-m", "indexer", *args],
        cwd=ROOT,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_cli(*args: str, module: str = "indexer", log: Path | None = None, **env: str) -> subprocess.Popen[bytes]:
    """Start ``python -m MODULE ARGS`` in its own process group (so leftovers can be cleaned up)."""
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    try:
        return subprocess.Popen(
            [PYTHON, "-m", module, *args],
            cwd=ROOT,
            env=cli_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL what is left of a process group this test started, and reap the leader."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str, timeout: float = 10) -> tuple[int, Any]:
    """GET a URL; the status and the decoded JSON body (errors too)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@contextmanager
def gunicorn(
    index_dir: Path, workers: int = 2, threads: int = 2, started: list[subprocess.Popen[bytes]] | None = None
) -> Iterator[str]:
    """Serve ``webapp:create_app()`` with gunicorn on 127.0.0.1 and a free port; yields the base URL.

    ``started``, when given, receives the server's process (the leader of its own process group)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "webapp:create_app()",
        ],
        cwd=ROOT,
        env=cli_env(NEWSSEARCH_INDEX_DIR=str(index_dir)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    if started is not None:
        started.append(proc)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get_json(base + "/api/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.1)
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill_group(proc)


def index_state(root: Path, word: str = "alpha") -> str:
    """What an answer to ``/api/search?q=WORD&per_page=100`` from a complete copy of the index at ``root`` holds:
    its total and every title, to check that an answer came from one whole generation."""
    from indexer.search import Engine

    engine = Engine(root)
    try:
        results = engine.search(word, per_page=100)
    finally:
        engine.close()
    return answer_state(results.total, [hit.title for hit in results.hits])


def answer_state(total: int, titles: list[str]) -> str:
    """The state string of one answer: its total and its sorted titles."""
    return f"{total}|{'|'.join(sorted(titles))}"
