"""The cleaned article record every source type is turned into."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime


@dataclass(frozen=True)
class Article:
    """A cleaned article, ready to index."""

    id: str
    title: str
    body: str
    path: str = ""
    source: str | None = None
    credit: str | None = None
    dateline: str | None = None
    author: str | None = None
    date: datetime | None = None
    url: str | None = None
    language: str | None = None

    def content_hash(self) -> str:
        """A stable hash of every field, to detect changed articles."""
        # Not asdict(): it deep-copies every value, a tenth of the cleaning time; the fields are flat.
        fields = {f.name: getattr(self, f.name) for f in dataclass_fields(self)}
        fields["date"] = self.date.isoformat() if self.date else None
        text = "\x1f".join(f"{k}={fields[k]}" for k in sorted(fields))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()
