"""JSON Lines exports: one article a line, under the field names common news exports use or a user's mapping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from indexer.article import Article
from indexer.clean.dates import parse_date
from indexer.clean.normalize import normalize_inline
from indexer.clean.plaintext import clean_plaintext

# The names each article field goes by in common exports (NewsAPI, RSS-derived dumps, Kaggle and GDELT-style
# datasets), tried in this order; a user's mapping (``--field body=story_text``) is tried before them.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid"),
    "title": ("title", "headline"),
    "body": ("text", "body", "content", "article"),
    "date": ("date", "published", "publishedAt", "pubDate"),
    "url": ("url", "link"),
    "source": ("source", "outlet", "publisher"),
    "author": ("author", "byline"),
    "language": ("lang", "language", "locale"),
}
# ``text`` is what the body field is called in the JSONL format itself, so a mapping may name either.
_ALIASES = {"text": "body"}
FACET_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Facets the search already has under these names: a declared field may not shadow them.
RESERVED_FACETS = frozenset({"source", "place", "places", "year", "month", "date", "language"})
MAX_FACET_VALUES = 20
MAX_FACET_CHARS = 200


class SourceError(Exception):
    """A source file or record that cannot be read or parsed; the message is the reason."""


@dataclass(frozen=True)
class ReadOptions:
    """How JSONL records are read: ``fields`` maps an article field to a record's key (tried before the common
    names); ``facets`` are record keys kept as keyword fields to facet and filter on."""

    fields: tuple[tuple[str, str], ...] = ()
    facets: tuple[str, ...] = ()

    def names(self, target: str) -> tuple[str, ...]:
        """The record keys an article field is read from, in order."""
        mapped = tuple(key for name, key in self.fields if name == target)
        return tuple(dict.fromkeys(mapped + FIELD_NAMES[target]))

    def key(self) -> tuple[Any, ...]:
        """A plain value that changes whenever the options would read records differently (kept in the index)."""
        return (tuple(sorted(self.fields)), tuple(sorted(self.facets)))


DEFAULT_OPTIONS = ReadOptions()


def parse_field_map(specs: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``FIELD=KEY`` pairs (``body=story_text``) as a mapping; a bad one raises ValueError saying why."""
    pairs = []
    for spec in specs:
        target, sep, key = (part.strip() for part in spec.partition("="))
        target = _ALIASES.get(target, target)
        if not sep or not key or target not in FIELD_NAMES:
            raise ValueError(f"{spec!r}: expected FIELD=NAME with FIELD one of {', '.join(FIELD_NAMES)}")
        pairs.append((target, key))
    return tuple(pairs)


def parse_facets(names: Iterable[str]) -> tuple[str, ...]:
    """Facet field names, checked: lowercase letters, digits and ``_``, not a facet the search already has."""
    checked = []
    for name in names:
        name = name.strip()
        if not FACET_NAME.fullmatch(name) or name in RESERVED_FACETS:
            raise ValueError(
                f"{name!r}: a facet is named with up to 32 lowercase letters, digits and _, "
                f"starting with a letter, and not {', '.join(sorted(RESERVED_FACETS))}"
            )
        checked.append(name)
    return tuple(dict.fromkeys(checked))


def _first(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def _optional(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    value = _first(record, names)
    if isinstance(value, dict):  # {"id": "bbc-news", "name": "BBC News"}, as NewsAPI gives its source
        value = value.get("name") or value.get("title")
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return normalize_inline(str(value)) or None


def _facet_values(value: Any) -> tuple[str, ...]:
    """A record's value for a facet as clean keyword values (a list gives several; commas split keywords)."""
    items = value if isinstance(value, list) else [value]
    values = (
        normalize_inline(str(v)).replace(",", ";")[:MAX_FACET_CHARS]
        for v in items
        if isinstance(v, str | int | float) and not isinstance(v, bool)
    )
    return tuple(dict.fromkeys(v for v in values if v))[:MAX_FACET_VALUES]


def record_article(relpath: str, lineno: int, record: Any, options: ReadOptions = DEFAULT_OPTIONS) -> Article:
    """One JSONL record as an article; the field names are in FIELD_NAMES (or the options' mapping)."""
    if not isinstance(record, dict):
        raise SourceError("not a JSON object")
    names = options.names("body")
    text = _first(record, names)
    title = _optional(record, options.names("title"))
    if text is None and title is not None:
        text = ""  # a headline without a story (a wire flash, a catalogue entry) is still searchable by its title
    if not isinstance(text, str) or not (text.strip() or title):
        keys = ", ".join(list(record)[:12]) or "none"
        raise SourceError(
            f"no article text: expected a field named {', '.join(names)} (this line has: {keys}); "
            "map another with --field body=NAME"
        )
    parts = clean_plaintext(text, headed=False)
    if not parts.body and not title:
        raise SourceError("no article text")
    facets = tuple((name, values) for name in options.facets if (values := _facet_values(record.get(name))))
    return Article(
        id=_optional(record, options.names("id")) or f"{relpath.rsplit('.', 1)[0]}:{lineno}",
        path=relpath,
        title=title or parts.title,
        body=parts.body,
        source=_optional(record, options.names("source")) or parts.source,
        credit=parts.credit,
        dateline=parts.dateline,
        author=_optional(record, options.names("author")),
        date=parse_date(_optional(record, options.names("date"))),
        url=_optional(record, options.names("url")),
        language=_optional(record, options.names("language")),
        facets=facets,
    )


def read_records(
    relpath: str, text: str, options: ReadOptions, first_line: int = 1
) -> tuple[list[Article], list[tuple[str, str]]]:
    """Every good line of a JSONL export (its lines numbered from ``first_line``), and ``(line path, reason)`` for
    each broken one."""
    articles: list[Article] = []
    skips: list[tuple[str, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=first_line):
        if not line.strip():
            continue
        try:
            articles.append(record_article(relpath, lineno, json.loads(line), options))
        except ValueError as exc:
            skips.append((f"{relpath}:{lineno}", f"invalid JSON: {exc}"))
        except RecursionError:
            skips.append((f"{relpath}:{lineno}", "invalid JSON: nested too deeply"))
        except SourceError as exc:
            skips.append((f"{relpath}:{lineno}", str(exc)))
    return articles, skips
