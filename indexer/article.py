"""The cleaned article record every source type is turned into."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class Details:
    """An article's details beside its title and text, declared once for the cleaned and the served record."""

    credit: str | None = None
    dateline: str | None = None
    author: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Article(Details):
    """A cleaned article, ready to index."""

    id: str
    title: str
    body: str
    path: str = ""
    source: str | None = None
    date: datetime | None = None
    url: str | None = None
    # Keyword fields a JSONL export carries and the user declared as facets: ``((name, (value, ...)), ...)``.
    facets: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def content_hash(self) -> str:
        """A stable hash of every field, to detect changed articles."""
        # Not asdict(): it deep-copies every value, a tenth of the cleaning time; the fields are flat.
        fields = {f.name: getattr(self, f.name) for f in dataclass_fields(self)}
        fields["date"] = self.date.isoformat() if self.date else None
        if not self.facets:  # hashes of articles without facets stay those of indexes built before facets existed
            del fields["facets"]
        text = "\x1f".join(f"{k}={fields[k]}" for k in sorted(fields))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()
