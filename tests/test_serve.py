"""The production server's settings: one set for ``newsfind serve`` and the load benchmark."""

from __future__ import annotations

from gunicorn.config import Config

from webapp import gunicorn_conf, serve


def test_every_setting_is_gunicorns_own() -> None:
    config = Config()
    for name, value in gunicorn_conf.settings().items():
        config.set(name, value)  # an unknown name or a bad value raises
    assert config.worker_class_str == "gthread" and config.keepalive > 0


def test_serve_uses_them(monkeypatch) -> None:  # noqa: ANN001
    seen: dict = {}
    monkeypatch.setattr(serve.Server, "run", lambda self: seen.update(self.options))
    serve.serve({}, "127.0.0.1", 8123, 2)
    assert seen["worker_class"] == "gthread" and seen["workers"] == 2 and seen["bind"] == "127.0.0.1:8123"


def test_the_language_detector_is_loaded_in_the_master_before_workers_fork() -> None:
    from indexer.clean import language

    language._identifier.cache_clear()
    gunicorn_conf.settings()["on_starting"](None)
    assert language._identifier.cache_info().currsize == 1
