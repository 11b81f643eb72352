"""A full build's work split by articles: batches of small files, big JSONL exports cut into ranges of lines and
big web archives into ranges of records.

A part is a whole file, a range of a JSONL file's lines or a range of a WARC file's records; a task is a few parts
of about ``TASK_BYTES``. A
sub-writer reads, cleans, analyses and indexes a task into its own segment, and reports each article's id, hash
and document number, so one 1 GB export keeps every core busy and no article crosses a process boundary.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from indexer.article import Article
from indexer.clean import warc
from indexer.clean.dates import to_utc_naive
from indexer.clean.jsonl import DEFAULT_OPTIONS, ReadOptions
from indexer.clean.language import NON_LATIN, article_language
from indexer.clean.places import detect_places
from indexer.clean.sources import (
    Loaded,
    Skip,
    file_hash,
    jsonl_articles,
    kind_of,
    load_archive,
    load_bytes,
    relative_id,
    stream_hash,
)
from indexer.index import dedup
from indexer.index.schema import FACET_PREFIX

# A task holds files (or one range of lines) of about this size: enough articles to analyse in one batch, small
# enough that both cores get work from a corpus of a few megabytes.
TASK_BYTES = 1 << 20
TASK_FILES = 256
# Bytes read at a time while a big export is hashed and cut.
BLOCK = 8 << 20
# Line breaks other than "\n" that str.splitlines() honours: a file holding any is not cut (its line numbers
# would not match), and is read whole instead.
_OTHER_BREAKS = re.compile(rb"[\r\x0b\x0c\x1c\x1d\x1e]|\xc2\x85|\xe2\x80[\xa8\xa9]")


@dataclass(frozen=True)
class Part:
    """A whole file (``end`` None), or the lines of a JSONL file or the records of a WARC file between two byte
    offsets."""

    path: str
    relpath: str
    start: int = 0
    end: int | None = None
    first: int = 1  # the range's first line number (JSONL) or first response number (WARC)
    digest: str | None = None  # the whole file's hash, known to the planner for a cut file
    last: bool = True  # the file's last part
    options: ReadOptions = DEFAULT_OPTIONS  # how JSONL records are read, which fields are facets


@dataclass
class PartResult:
    """What indexing one part did: the file's hash, an error or skips, and ``(id, hash, docnum)`` per article."""

    relpath: str
    digest: str | None
    error: str | None = None
    skips: list[Skip] = field(default_factory=list)
    docs: list[tuple[str, str, int]] = field(default_factory=list)
    last: bool = True
    whole: bool = True


def to_fields(article: Article) -> dict[str, Any]:
    """The Whoosh fields of an article, its text analysed in its language (declared, else detected)."""
    language = article_language(article.language, article.title, article.body)
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "source_name": article.source,
        "credit": article.credit,
        "dateline": article.dateline,
        "author": article.author,
        "date": to_utc_naive(article.date) if article.date else None,
        "published": article.date.isoformat() if article.date else None,
        "url": article.url,
        "language": language,
        "path": article.path,
        "hash": article.content_hash(),
        "words": f"{article.title}\n{article.body}",
        "places": ",".join(places_of(article, language)),
        "minhash": dedup.signature(article.body),
        FACET_PREFIX + "language": language,
        **{FACET_PREFIX + name: ",".join(values) for name, values in article.facets},
    }


def places_of(article: Article, language: str) -> list[str]:
    """The countries an article mentions, for articles in the Latin alphabet, the gazetteer's (in Russian or
    Japanese articles it found only the Latin names of outlets: "New York Times", "Japan Times")."""
    if language in NON_LATIN:
        return []
    return detect_places(f"{article.title}\n{article.dateline or ''}\n{article.body}")


@contextmanager
def open_regular(path: str | Path) -> Iterator[BinaryIO]:
    """A regular file, open for reading; anything else (a FIFO, a device, a socket) raises OSError."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise block the whole run for ever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        yield handle


def read_regular(path: str | Path) -> bytes:
    """A regular file's bytes; anything else (a FIFO, a device, a socket) raises OSError."""
    with open_regular(path) as handle:
        return handle.read()


# A file to read in place: its path, relative path, known hash, options, and the ``(id, content hash)`` of the
# articles indexed from it (their derived fields are not worked out again when they are unchanged).
FileTask = tuple[Path, str, str | None, ReadOptions, frozenset[tuple[str, str]]]
FileRead = tuple[str, str | None, Loaded | None, list[dict[str, Any]], str | None]


def read_file(task: FileTask) -> FileRead:
    """Read and clean one file for an incremental run (in a worker): ``(relpath, digest, loaded, fields, error)``,
    ``fields`` being each article's Whoosh fields; ``loaded`` is None when the file's hash equals the known one (it
    is not even parsed) or it could not be read."""
    path, relpath, known, options, indexed = task
    if kind_of(relpath) == "warc":
        return _read_archive(path, relpath, known, indexed)
    try:
        data = read_regular(path)
    except OSError as exc:
        return relpath, None, None, [], f"unreadable: {exc.strerror or exc}"
    digest = file_hash(data)
    if known == digest:
        return relpath, digest, None, [], None
    loaded = load_bytes(relpath, data, options)
    # Field values (content hash, MinHash signature) are computed here too, off the writer's process.
    return relpath, digest, loaded, _changed_fields(loaded, indexed), None


def _changed_fields(loaded: Loaded, indexed: frozenset[tuple[str, str]]) -> list[dict[str, Any]]:
    """Each article's Whoosh fields; for an article indexed from this file and unchanged since, only its id and
    content hash (it is not written again, so its language, places and MinHash need not be worked out)."""
    fields = []
    for article in loaded.articles:
        digest = article.content_hash()
        fields.append({"id": article.id, "hash": digest} if (article.id, digest) in indexed else to_fields(article))
    return fields


def _read_archive(path: Path, relpath: str, known: str | None, indexed: frozenset[tuple[str, str]]) -> FileRead:
    """``read_file`` for a web archive, streamed: hashed first, its records read only when it changed."""
    try:
        with open_regular(path) as handle:
            digest = stream_hash(handle)
            if known == digest:
                return relpath, digest, None, [], None
            loaded = load_archive(relpath, handle)
    except OSError as exc:
        return relpath, None, None, [], f"unreadable: {exc.strerror or exc}"
    return relpath, digest, loaded, _changed_fields(loaded, indexed), None


def plan(corpus: Path, paths: Iterable[Path], options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[list[Part]]:
    """The tasks of a full build, in corpus order: small files grouped, big JSONL exports cut into ranges."""
    group: list[Part] = []
    size = 0
    for path in paths:
        relpath = relative_id(corpus, path)
        try:
            st = os.stat(path)
            big = stat.S_ISREG(st.st_mode) and st.st_size > TASK_BYTES
        except OSError:
            st, big = None, False  # the sub-writer reports why it cannot be read
        kind = kind_of(path.name) if big else None
        ranges = (
            _ranges(path, relpath, options)
            if kind == "jsonl"
            else _archive_ranges(path, relpath, options)
            if kind == "warc"
            else None
        )
        if ranges:
            if group:
                yield group
                group, size = [], 0
            yield from ([r] for r in ranges)
            continue
        group.append(Part(str(path), relpath, options=options))
        size += st.st_size if st is not None else 0
        if size >= TASK_BYTES or len(group) >= TASK_FILES:
            yield group
            group, size = [], 0
    if group:
        yield group


def _ranges(path: Path, relpath: str, options: ReadOptions) -> list[Part] | None:
    """A UTF-8 export cut after a newline every ``TASK_BYTES``, with each range's first line number; None when
    the file must be read whole (a BOM, another encoding, other line breaks, unreadable)."""
    sha = hashlib.sha1()
    check = codecs.getincrementaldecoder("utf-8")()
    cuts, first_lines = [0], [1]
    offset = lines = 0
    tail = b""
    try:
        with open(path, "rb") as handle:
            while block := handle.read(BLOCK):
                if offset == 0 and block.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    return None
                sha.update(block)
                check.decode(block)
                if _OTHER_BREAKS.search(tail + block):
                    return None
                tail = block[-2:]
                start = 0
                while (nl := block.find(b"\n", max(cuts[-1] + TASK_BYTES - offset, start))) >= 0:
                    lines += block.count(b"\n", start, nl + 1)
                    start = nl + 1
                    cuts.append(offset + start)
                    first_lines.append(lines + 1)
                lines += block.count(b"\n", start)
                offset += len(block)
        check.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return None
    if cuts[-1] < offset:
        cuts.append(offset)
    else:
        first_lines.pop()
    digest = sha.hexdigest()
    n = len(cuts) - 1
    return [
        Part(str(path), relpath, cuts[i], cuts[i + 1], first_lines[i], digest, last=i == n - 1, options=options)
        for i in range(n)
    ]


def _archive_ranges(path: Path, relpath: str, options: ReadOptions) -> list[Part] | None:
    """A web archive cut at record boundaries every ``TASK_BYTES`` (of the file, gzipped or not), with each
    range's first response number; None when it is read whole (no responses, or unreadable)."""
    try:
        with open_regular(path) as handle:
            digest, cuts, responses = warc.cuts(handle, TASK_BYTES)
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return None
    if responses == 0:
        return None  # read whole, so that it is reported as an archive without responses
    ends = [c.offset for c in cuts[1:]] + [size]
    n = len(cuts)
    return [
        Part(str(path), relpath, c.offset, end, c.first, digest, last=i == n - 1, options=options)
        for i, (c, end) in enumerate(zip(cuts, ends, strict=True))
    ]


def load(part: Part) -> tuple[str | None, Loaded | None, str | None]:
    """Read and clean one part: ``(digest, loaded, error)``."""
    if kind_of(part.relpath) == "warc":
        return _load_archive(part)
    if part.end is None:
        try:
            data = read_regular(part.path)
        except OSError as exc:
            return None, None, f"unreadable: {exc.strerror or exc}"
        return file_hash(data), load_bytes(part.relpath, data, part.options), None
    try:
        with open(part.path, "rb") as handle:
            handle.seek(part.start)
            text = handle.read(part.end - part.start).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # changed since it was planned: the build stops, nothing served
        raise OSError(f"{part.relpath} changed while it was indexed: {exc}") from exc
    return part.digest, jsonl_articles(part.relpath, text, part.options, part.first, whole=False), None


def _load_archive(part: Part) -> tuple[str | None, Loaded | None, str | None]:
    """``load`` for a web archive or a range of its records, streamed."""
    try:
        with open_regular(part.path) as handle:
            if part.end is None:
                return stream_hash(handle), load_archive(part.relpath, handle), None
            return part.digest, load_archive(part.relpath, handle, part.start, part.end, part.first), None
    except OSError as exc:
        if part.end is not None:  # changed since it was planned: the build stops, nothing served
            raise OSError(f"{part.relpath} changed while it was indexed: {exc}") from exc
        return None, None, f"unreadable: {exc.strerror or exc}"


def index_task(writer: Any, task: list[Part]) -> list[PartResult]:
    """Clean and index a task's parts into ``writer`` (a ``BatchSegmentWriter``) in one batch."""
    results: list[PartResult] = []
    docs: list[dict[str, Any]] = []
    for part in task:
        digest, loaded, error = load(part)
        result = PartResult(part.relpath, digest, error, last=part.last, whole=part.end is None)
        if loaded is not None:
            result.skips = loaded.skips
            # The content hash and MinHash signature are computed here too, off the parent's process.
            fields = [to_fields(a) for a in loaded.articles]
            start = writer.docnum + len(docs)
            result.docs = [(f["id"], f["hash"], start + i) for i, f in enumerate(fields)]
            docs.extend(fields)
        results.append(result)
    if docs:
        writer.add_batch(docs)
    return results
