"""How gunicorn runs the app: one set of settings for ``newsfind serve`` and the load benchmark (``bench/load.py``
passes this module to gunicorn with ``-c python:webapp.gunicorn_conf``).

Threaded workers keep a client's connection open between requests (gunicorn's sync workers close it after each
answer, so every request paid a new connection and a graceful close); one thread per worker, since a search is
CPU work under one GIL. Measured under wrk in ``docs/performance.md``. The language detector is loaded once, in the
master, before workers fork: otherwise each worker loaded it (a second of CPU) on its first long query in a
multi-language index, and that query waited for it.
"""

from __future__ import annotations

from typing import Any

worker_class = "gthread"
threads = 1
keepalive = 5  # seconds an idle connection stays open


def on_starting(server: Any) -> None:
    """Gunicorn's hook in the master before any worker forks: load the language detector there, shared by all."""
    from indexer.clean.language import load_detector

    load_detector()


def settings() -> dict[str, Any]:
    """These settings by gunicorn's names, for ``BaseApplication.cfg.set``."""
    return {"worker_class": worker_class, "threads": threads, "keepalive": keepalive, "on_starting": on_starting}
