"""What a run over the corpus did: which file owns each id, what was added, updated, kept, deleted, skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from whoosh.index import Index
from whoosh.writing import IndexWriter

from indexer.clean.jsonl import DEFAULT_OPTIONS, ReadOptions
from indexer.clean.sources import Loaded, Skip, relative_id
from indexer.index.parts import FileRead, FileTask, PartResult, read_file
from indexer.index.schema import column_text


class Progress(Protocol):
    """What a reindex reports as it goes (the CLI draws it): articles as they are indexed, and the phases."""

    def indexed(self, articles: int) -> None:
        """``articles`` more articles were read and indexed."""

    def phase(self, name: str) -> None:
        """A new phase began, e.g. "writing the index" (its segments are flushed and committed)."""


class _NoProgress:
    def indexed(self, articles: int) -> None:
        pass

    def phase(self, name: str) -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()


@dataclass
class Report:
    """What a reindex did."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    full: bool = False
    documents: int = 0
    writer_rss_mb: float = 0.0  # peak memory of the largest sub-writer process (full builds on several cores)
    processes: int = 1  # sub-writer processes of a full build
    # The files whose articles were added, updated or deleted (relative paths, sorted).
    files: dict[str, list[str]] = field(default_factory=lambda: {"added": [], "updated": [], "deleted": []})

    @property
    def changed(self) -> int:
        """Documents added, updated or deleted."""
        return self.added + self.updated + self.deleted


@dataclass
class _Doc:
    path: str
    hash: str


def indexed_docs(ix: Index) -> dict[str, _Doc]:
    """``{id: (path, hash)}`` for every live document, read from columns (no stored bodies)."""
    docs: dict[str, _Doc] = {}
    with ix.reader() as reader:
        if not all(reader.has_column(name) for name in ("id", "path", "hash")):
            return docs  # built by another version: nothing to compare against
        ids = reader.column_reader("id")
        paths = reader.column_reader("path")
        hashes = reader.column_reader("hash")
        for docnum in reader.all_doc_ids():
            docs[column_text(ids[docnum])] = _Doc(column_text(paths[docnum]), column_text(hashes[docnum]))
    return docs


class Run:
    """One pass over the corpus into a writer: a fresh index (``fresh``) or the current one, in place."""

    def __init__(
        self,
        corpus: Path,
        writer: Any,
        old: dict[str, _Doc],
        manifest: dict[str, str],
        fresh: bool,
        options: ReadOptions = DEFAULT_OPTIONS,
        recorded_skips: dict[str, list[Skip]] | None = None,
    ) -> None:
        self.corpus = corpus
        # Why each file's articles or lines were skipped, as recorded by the last run: an unchanged file is not
        # parsed again, but its skips are reported again until it is fixed.
        self.recorded_skips = recorded_skips or {}
        self.skips: dict[str, list[Skip]] = {}
        self.changed_files: dict[str, set[str]] = {"added": set(), "updated": set(), "deleted": set()}
        self.options = options
        self.writer = writer
        self.old = old
        self.old_by_path: dict[str, list[str]] = {}
        for doc_id, doc in old.items():
            self.old_by_path.setdefault(doc.path, []).append(doc_id)
        self.manifest = manifest
        self.fresh = fresh
        self.files: dict[str, str] = {}
        self.owner: dict[str, str] = {}
        self.summary = Report(full=fresh)
        self.written = 0
        self.waiting: dict[int, tuple[int, list[PartResult]]] = {}
        self.next_seq = 0
        self.seen_in_file = False
        self.progress: Progress = NO_PROGRESS
        self.planned: int | None = None  # a full build's tasks, once all are handed out

    def task(self, path: Path) -> FileTask:
        """What a worker needs to read one file: in place, the known hash lets it skip unchanged files, and the
        known articles' hashes let it skip the derived fields of unchanged articles."""
        relpath = relative_id(self.corpus, path)
        if self.fresh:
            return path, relpath, None, self.options, frozenset()
        indexed = frozenset((doc_id, self.old[doc_id].hash) for doc_id in self.old_by_path.get(relpath, ()))
        return path, relpath, self.manifest.get(relpath), self.options, indexed

    def file(self, path: Path) -> None:
        """Index one file; in place, a file whose hash is unchanged is not even parsed."""
        self.apply(read_file(self.task(path)))

    def apply(self, read: FileRead) -> None:
        """Index one file read by ``read_file``, in corpus order."""
        relpath, digest, loaded, fields, error = read
        if error is not None or digest is None:
            self.summary.skipped.append(Skip(relpath, error or "unreadable"))
            self._keep(relpath)
            return
        if loaded is None:
            self.files[relpath] = digest
            self._skip(relpath, self.recorded_skips.get(relpath, []))
            self._keep(relpath)
            return
        self._skip(relpath, loaded.skips)
        self.progress.indexed(len(loaded.articles))
        if not loaded.articles and relpath in self.old_by_path:
            # A file that broke keeps its last good version (in place): a bad save loses nothing.
            self._keep(relpath)
            return
        self.files[relpath] = digest
        self._write(relpath, loaded, fields)

    def _keep(self, relpath: str) -> None:
        """Leave a file's indexed documents as they are (only possible in place)."""
        if self.fresh:
            return
        for doc_id in self.old_by_path.get(relpath, ()):
            owner = self.owner.setdefault(doc_id, relpath)
            if owner == relpath:
                self.summary.unchanged += 1
            else:  # an earlier file now carries this id and has replaced the document
                self.summary.skipped.append(Skip(relpath, f"duplicate id {doc_id!r} (already in {owner})"))

    def _write(self, relpath: str, loaded: Loaded, all_fields: list[dict[str, Any]]) -> None:
        for article, fields in zip(loaded.articles, all_fields, strict=True):
            if not self._claim(relpath, article.id, fields["hash"]):
                continue
            if self.fresh:
                self.writer.add_document(**fields)
            else:
                assert isinstance(self.writer, IndexWriter)
                self.writer.update_document(**fields)

    def _claim(self, relpath: str, doc_id: str, digest: str) -> bool:
        """Count one article read from ``relpath``; False when it is not to be written (a duplicate id, or in
        place an unchanged document)."""
        owner = self.owner.get(doc_id)
        if owner is not None:
            self.summary.skipped.append(Skip(relpath, f"duplicate id {doc_id!r} (already in {owner})"))
            return False
        self.owner[doc_id] = relpath
        before = self.old.get(doc_id)
        if before is None:
            self.summary.added += 1
            self.changed_files["added"].add(relpath)
        elif before.hash == digest and before.path == relpath:
            self.summary.unchanged += 1
            if not self.fresh:
                return False
        else:
            self.summary.updated += 1
            self.changed_files["updated"].add(relpath)
        self.written += 1
        return True

    def task_done(self, worker: int, seq: int, results: list[PartResult]) -> None:
        """A full build's task came back from a writer (maybe out of order): account for it in corpus order."""
        self.waiting[seq] = (worker, results)
        while self.next_seq in self.waiting:
            worker, results = self.waiting.pop(self.next_seq)
            self.next_seq += 1
            for result in results:
                self.apply_part(worker, result)
        self._writing()

    def all_planned(self, tasks: int) -> None:
        """Every task of a full build has been handed to the writers."""
        self.planned = tasks
        self._writing()

    def _writing(self) -> None:
        # Every task is back: what is left is the sub-writers finishing their segments.
        if self.planned is not None and self.next_seq == self.planned:
            self.planned = None
            self.progress.phase("writing the index")

    def apply_part(self, worker: int, part: PartResult) -> None:
        """Account for one part written by ``worker``: a later copy of an id is deleted from its segment."""
        if part.error is not None or part.digest is None:
            self.summary.skipped.append(Skip(part.relpath, part.error or "unreadable"))
            return
        self.files[part.relpath] = part.digest
        self._skip(part.relpath, part.skips)
        self.seen_in_file = self.seen_in_file or bool(part.docs or part.skips)
        for doc_id, digest, docnum in part.docs:
            if not self._claim(part.relpath, doc_id, digest):
                self.writer.delete(worker, docnum)
        self.progress.indexed(len(part.docs))
        if part.last:
            if not part.whole and not self.seen_in_file:
                self._skip(part.relpath, [Skip(part.relpath, "empty file")])
            self.seen_in_file = False

    def finish(self) -> Report:
        """Count, and in place delete, the documents whose files or records are gone."""
        for doc_id, doc in self.old.items():
            if doc_id not in self.owner:
                self.summary.deleted += 1
                self.changed_files["deleted"].add(doc.path)
                if not self.fresh:
                    assert isinstance(self.writer, IndexWriter)
                    self.writer.delete_by_term("id", doc_id)
        self.summary.files = {kind: sorted(paths) for kind, paths in self.changed_files.items()}
        return self.summary

    def _skip(self, relpath: str, skips: list[Skip]) -> None:
        """Report skips found in a file, and record them for the next run."""
        if skips:
            self.summary.skipped.extend(skips)
            self.skips.setdefault(relpath, []).extend(skips)
