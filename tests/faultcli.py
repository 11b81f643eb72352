"""The real CLI with one fault injected, for tests/test_faults.py: ``python -m tests.faultcli reindex ...``.

``NEWSFIND_FAULT`` picks the fault:

* ``swap:N:before`` / ``swap:N:after`` - SIGKILL this process just before / after the Nth ``os.replace`` that
  ``store.publish`` makes (1: the build directory becomes a generation, 2: ``current`` is swapped); ``swap:0:before``
  kills on entry to ``publish``. Everything else is the real code path.
* ``hold:PATH`` - on entry to ``store.publish`` (the reindex lock held, the build done) wait until PATH exists, so a
  test can act while a reindex is certainly running, however fast the build was.
* ``readonly`` - every attempt to create or write a file or directory under ``NEWSFIND_FAULT_DIR`` fails with
  EROFS, as on a read-only mount (tests run as root, where ``chmod`` does not stop writes).
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import signal
import sys
import time

from indexer.cli import cli
from indexer.index import store

FAULT = os.environ.get("NEWSFIND_FAULT", "")


def _install_swap_kill(spec: str) -> None:
    _, nth, when = spec.split(":")
    target = int(nth)
    real_publish, real_replace = store.publish, os.replace
    calls = 0

    def die() -> None:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == target and when == "before":
            die()
        result = real_replace(src, dst, *args, **kwargs)
        if calls == target and when == "after":
            die()
        return result

    def publish(root, build_dir):  # type: ignore[no-untyped-def]
        if target == 0:
            die()
        os.replace = replace
        try:
            return real_publish(root, build_dir)
        finally:
            os.replace = real_replace

    store.publish = publish


def _install_hold(release: str) -> None:
    real_publish = store.publish

    def publish(root, build_dir):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 120
        while not os.path.exists(release) and time.monotonic() < deadline:
            time.sleep(0.05)
        return real_publish(root, build_dir)

    store.publish = publish


def _install_readonly(folder: str) -> None:
    folder = os.path.realpath(folder)
    real_open, real_os_open, real_mkdir = builtins.open, os.open, os.mkdir

    def inside(path) -> bool:  # type: ignore[no-untyped-def]
        try:
            return (
                os.path.realpath(os.fspath(path)).startswith(folder + os.sep)
                or os.path.realpath(os.fspath(path)) == folder
            )
        except TypeError:  # a file descriptor
            return False

    def refuse(path):  # type: ignore[no-untyped-def]
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))

    def fake_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if inside(file) and any(c in mode for c in "wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if inside(path):
            if os.path.isdir(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(path))
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    builtins.open = io.open = fake_open
    os.open, os.mkdir = fake_os_open, fake_mkdir


if __name__ == "__main__":  # worker processes re-import this module: they must not run the CLI again
    if FAULT.startswith("swap:"):
        _install_swap_kill(FAULT)
    elif FAULT.startswith("hold:"):
        _install_hold(FAULT.removeprefix("hold:"))
    elif FAULT == "readonly":
        _install_readonly(os.environ["NEWSFIND_FAULT_DIR"])
    cli(prog_name="python -m indexer")
