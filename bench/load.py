"""Load the real server (gunicorn, ``webapp:create_app()``) with wrk on loopback, bounded in time."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.queries import BenchQuery

_LUA = """
local paths = {PATHS}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %f %f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url}")


def sequential(base: str, queries: list[BenchQuery]) -> dict[str, float]:
    """One client, one request at a time (keep-alive off, as a browser's first request): p50/p95 in ms."""

    def get(q: BenchQuery) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/search?{urlencode({'q': q.whoosh()})}", timeout=30) as response:
            response.read()
        return (time.perf_counter() - started) * 1000

    for q in queries:  # warm whichever worker answers
        get(q)
    cuts = statistics.quantiles([get(q) for q in queries], n=100, method="inclusive")
    return {"seq_p50_ms": cuts[49], "seq_p95_ms": cuts[94]}


def _cpu_seconds(processes: list[Any]) -> float:
    """User and system CPU seconds of these processes so far."""
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


def load_test(
    root: Path, queries: list[BenchQuery], workers: int = 2, seconds: int = 15, connections: int = 4
) -> dict[str, Any]:
    """Requests/s, p50/p99 latency and errors for ``/api/search`` over the query set, and worker RSS."""
    import psutil  # a bench-only dependency (the "bench" extra)

    port = _free_port()
    env = {**os.environ, "NEWSSEARCH_INDEX_DIR": str(root)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--config",
            "python:webapp.gunicorn_conf",  # the worker class and keep-alive of ``newsfind serve``
            "webapp:create_app()",
        ],
        env=env,
    )
    try:
        _wait_ready(f"http://127.0.0.1:{port}/api/health")
        one_client = sequential(f"http://127.0.0.1:{port}", queries)
        paths = ",".join(f'"/api/search?{urlencode({"q": q.whoosh()})}"' for q in queries)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_LUA.replace("PATHS", paths))
        # Warm every worker's searcher and caches first, then measure.
        subprocess.run(
            ["wrk", "-t1", f"-c{connections}", "-d3s", "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True,
            check=True,
        )
        workers_now = psutil.Process(server.pid).children()
        cpu_before = _cpu_seconds(workers_now)
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        os.unlink(script.name)
        match = re.search(r"BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", out.stdout)
        if match is None:
            raise RuntimeError(f"unexpected wrk output: {out.stdout}")
        requests, duration_us, errors = int(match[1]), int(match[2]), int(match[3])
        worker_cpu_ms = (_cpu_seconds(workers_now) - cpu_before) * 1000 / max(requests, 1)
        rss = [c.memory_info().rss / 1e6 for c in psutil.Process(server.pid).children()]
        return {
            "rps": requests / (duration_us / 1e6),
            "p50_ms": float(match[4]) / 1000,
            "p99_ms": float(match[5]) / 1000,
            "errors": errors,
            "requests": requests,
            "workers": workers,
            "connections": connections,
            "worker_rss_mb": max(rss) if rss else None,
            "worker_cpu_ms": worker_cpu_ms,  # the workers' CPU time per request during the measured run
            **one_client,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
