"""Cleaning: a file's bytes in, ``Article`` records out. Pure functions; nothing here imports Whoosh.

The public names load lazily, so importing one of them does not import every cleaner."""

from __future__ import annotations

from indexer import lazy

_EXPORTS = {
    "Loaded": "sources",
    "Skip": "sources",
    "SourceError": "sources",
    "decode": "sources",
    "file_hash": "sources",
    "load_bytes": "sources",
    "relative_id": "sources",
    "walk_corpus": "sources",
    "KINDS": "sources",
    "clean_html": "html",
    "clean_plaintext": "plaintext",
    "detect_places": "places",
    "PLACES_VERSION": "places",
    "parse_date": "dates",
    "to_utc_naive": "dates",
    "ReadOptions": "jsonl",
    "FIELD_NAMES": "jsonl",
    "parse_field_map": "jsonl",
    "parse_facets": "jsonl",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy.exports(__name__, _EXPORTS)
