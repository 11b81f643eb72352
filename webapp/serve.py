"""The production server: gunicorn running the app, started from ``newsfind serve`` (and ``make run``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from webapp import create_app, gunicorn_conf


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """Gunicorn with its options given in code rather than on its command line; each worker creates the app."""

    def __init__(self, app_config: Mapping[str, Any], options: Mapping[str, Any]) -> None:
        self.app_config = dict(app_config)
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        """Apply the options gunicorn knows."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """The app, created in each worker after the fork (the index is opened there, lazily)."""
        return create_app(self.app_config)


def serve(app_config: Mapping[str, Any], host: str, port: int, workers: int) -> None:
    """Serve the app on ``host:port`` with ``workers`` processes until interrupted; access log on stdout."""
    options = {
        **gunicorn_conf.settings(),
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "proc_name": "newsfind",
    }
    Server(app_config, options).run()
