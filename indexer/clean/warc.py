"""Web archives (WARC, as news crawls such as Common Crawl's CC-NEWS are delivered): their HTTP responses."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class BrokenArchive(Exception):
    """A record could not be read; the records before it were."""


@dataclass(frozen=True)
class Response:
    """One HTTP response record: where it came from, when it was captured, its content type and its body."""

    number: int  # 1 for the archive's first response record
    uri: str | None
    captured: str | None  # the WARC-Date, ISO 8601
    content_type: str
    body: bytes | None  # None when larger than the limit given
    size: int

    @property
    def is_html(self) -> bool:
        """Whether the body is a web page (by its declared content type)."""
        return self.content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def responses(data: bytes, max_body: int) -> Iterator[Response]:
    """The archive's response records in order (gzipped or not); requests, metadata and the like are not pages.

    Raises BrokenArchive at a record that cannot be read."""
    number = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response":
                continue
            number += 1
            http = record.http_headers
            body = record.content_stream().read(max_body + 1)
            yield Response(
                number=number,
                uri=record.rec_headers.get_header("WARC-Target-URI"),
                captured=record.rec_headers.get_header("WARC-Date"),
                content_type=(http.get_header("Content-Type") if http else None) or "",
                body=body if len(body) <= max_body else None,
                size=len(body),
            )
    except ArchiveLoadFailed as exc:
        raise BrokenArchive(f"unreadable record after {number} responses: {exc}") from exc
