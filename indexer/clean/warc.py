"""Web archives (WARC, as news crawls such as Common Crawl's CC-NEWS are delivered): their HTTP responses.

An archive is streamed from its open file, one record at a time (memory holds one page, not the archive), and a
big one can be read by ranges of records: ``cuts`` finds record offsets every so many bytes, and ``responses``
reads the records that start between two offsets, numbering responses from where the range begins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Bytes read at a time when the rest of an archive is hashed.
BLOCK = 1 << 20


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


@dataclass(frozen=True)
class Cut:
    """Where a range of records begins: its byte offset and the number of its first response."""

    offset: int
    first: int


def responses(
    stream: BinaryIO, max_body: int, start: int = 0, end: int | None = None, first: int = 1
) -> Iterator[Response]:
    """The response records (gzipped or not) that start at or after byte ``start`` and before ``end``, numbered
    from ``first``; requests, metadata and the like are not pages. Raises BrokenArchive at a record that cannot
    be read."""
    stream.seek(start)
    number = first - 1
    records = ArchiveIterator(stream)
    try:
        for record in records:
            # While a record is being read, the iterator's offset is where the record began.
            if end is not None and records.offset >= end:
                return
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
    finally:
        records.close()


class _Hashing:
    """A read-only file that hashes what is read through it (the archive is read once to hash and cut it)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.sha = hashlib.sha1()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha.update(data)
        return data

    def tell(self) -> int:
        return self.stream.tell()


def cuts(stream: BinaryIO, every: int) -> tuple[str, list[Cut], int]:
    """Read an archive once: its SHA-1, the record offsets where ranges of about ``every`` bytes begin (the first
    at 0), and its number of responses. The cutting stops at a broken record: the last range reads up to it."""
    hashing = _Hashing(stream)
    found = [Cut(0, 1)]
    number = 0
    records = ArchiveIterator(hashing)
    try:
        for record in records:
            if records.offset - found[-1].offset >= every:
                found.append(Cut(records.offset, number + 1))
            if record.rec_type == "response":
                number += 1
    except ArchiveLoadFailed:
        pass
    finally:
        records.close()
    while hashing.read(BLOCK):  # the rest (blank lines, garbage after a break) counts in the file's hash
        pass
    return hashing.sha.hexdigest(), found, number
