"""The index directory: generations, the atomic ``current`` pointer, the reindex lock."""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

log = logging.getLogger(__name__)

CURRENT = "current"
LOCK_FILE = "reindex.lock"
MANIFEST = "files.json"
SKIPS = "skips.json"
GEN_PREFIX = "gen-"
TMP_PREFIX = "tmp-"


class StoreError(Exception):
    """Base class for index problems the user can act on."""


class IndexMissing(StoreError):
    """No index has been built at this location yet."""


class IndexBusy(StoreError):
    """Another reindex holds the lock."""


def current_dir(root: Path) -> Path | None:
    """The generation directory ``current`` points to, or None."""
    link = root / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = root / target
    return path if path.is_dir() else None


def open_index(root: Path) -> Index:
    """Open the current index read-only."""
    path = current_dir(root)
    if path is None or not whoosh_index.exists_in(str(path)):
        raise IndexMissing(f"no index at {root}")
    return whoosh_index.open_dir(str(path), readonly=True)


def open_writable(root: Path) -> Index:
    """Open the current index for an in-place (incremental) update."""
    path = current_dir(root)
    if path is None or not whoosh_index.exists_in(str(path)):
        raise IndexMissing(f"no index at {root}")
    return whoosh_index.open_dir(str(path))


@contextmanager
def reindex_lock(root: Path) -> Iterator[None]:
    """Hold the exclusive reindex lock; raise IndexBusy if another process has it."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a+") as handle:
        try:
            # A lock held by a killed process is released by the kernel, so there are no stale locks.
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise IndexBusy(f"another reindex is running on {root} (pid {holder})") from None
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_build_dir(root: Path) -> Path:
    """A fresh temporary directory for a full build (call with the lock held)."""
    # Names sort by build time, to the microsecond, so generations never collide.
    path = root / f"{TMP_PREFIX}{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}"
    path.mkdir(parents=True)
    return path


def publish(root: Path, build_dir: Path) -> Path:
    """Turn a finished build into a generation and point ``current`` at it atomically."""
    gen = root / (GEN_PREFIX + build_dir.name[len(TMP_PREFIX) :])
    os.replace(build_dir, gen)
    _switch(root, gen)
    return gen


def _switch(root: Path, gen: Path) -> None:
    """Point ``current`` at ``gen`` in one atomic rename: a reader sees the old generation or the new one."""
    tmp_link = root / f".{CURRENT}.{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(gen.name, tmp_link)
    os.replace(tmp_link, root / CURRENT)
    _fsync_dir(root)


def prune(root: Path, keep: int = 2) -> None:
    """Remove leftover build directories and all but the newest ``keep`` generations (lock held)."""
    current = current_dir(root)
    for path in root.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
    for link in root.glob(f".{CURRENT}.*"):
        link.unlink(missing_ok=True)
    gens = sorted(p for p in root.glob(f"{GEN_PREFIX}*") if p != current)
    # The previous generation stays, so a server that has not noticed the swap keeps working.
    for path in gens[: max(0, len(gens) - (keep - 1))]:
        shutil.rmtree(path, ignore_errors=True)


def read_manifest(gen: Path) -> dict[str, str]:
    """The cached ``{relative path: file hash}`` of the files indexed in a generation."""
    try:
        data = json.loads((gen / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(gen: Path, files: dict[str, str]) -> None:
    """Replace the manifest atomically."""
    tmp = gen / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(files, sort_keys=True), "utf-8")
    os.replace(tmp, gen / MANIFEST)


def read_skips(gen: Path) -> dict[str, list[tuple[str, str]]]:
    """The recorded ``{relative path: [(skipped path, reason), ...]}`` of a generation's last run."""
    try:
        data = json.loads((gen / SKIPS).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: [(str(p), str(r)) for p, r in v] for k, v in data.items()} if isinstance(data, dict) else {}


def write_skips(gen: Path, skips: dict[str, list[tuple[str, str]]]) -> None:
    """Replace the record of skipped files and lines atomically."""
    tmp = gen / f".{SKIPS}.tmp"
    tmp.write_text(json.dumps(skips, sort_keys=True), "utf-8")
    os.replace(tmp, gen / SKIPS)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ship(source: Path, replica: Path) -> Path:
    """Copy ``source``'s current generation to ``replica`` and switch the replica to it atomically.

    The copy is named after the source's generation and Whoosh generation, so shipping the same state twice
    changes nothing and every replica serving it reports the same name. Both reindex locks are held: the source
    does not change while it is copied, and nothing else writes to the replica meanwhile."""
    with reindex_lock(source), reindex_lock(replica):
        ix = open_index(source)
        try:
            folder, version = Path(ix.storage.folder), ix.latest_generation()
        finally:
            ix.close()
        gen = replica / f"{folder.name}-{version}"
        if current_dir(replica) == gen:
            return gen
        if not gen.is_dir():  # a copy of this exact state may be there already, from an earlier ship
            build = replica / (TMP_PREFIX + gen.name[len(GEN_PREFIX) :])
            shutil.copytree(folder, build, ignore=shutil.ignore_patterns("*.lock"))
            _fsync_dir(build)
            publish(replica, build)
        else:
            _switch(replica, gen)
        prune(replica)
        return gen
