"""Indexing: ``Article`` records in, a Whoosh index on disk out. The only writer of the index.

The public names load lazily, so a reader of the index does not import the build and its cleaners."""

from __future__ import annotations

from indexer import lazy

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

__getattr__ = lazy.exports(__name__, _EXPORTS)
