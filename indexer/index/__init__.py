"""Indexing: ``Article`` records in, a Whoosh index on disk out. The only writer of the index.

The public names load lazily, so a reader of the index does not import the build and its cleaners."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "reindex": "build",
    "Report": "build",
    "BuildError": "writers",
    "get_schema": "schema",
    "IndexMissing": "store",
    "IndexBusy": "store",
    "StoreError": "store",
    "open_index": "store",
    "current_dir": "store",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
