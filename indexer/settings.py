"""Settings declared once, read by the CLI and the web app."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "NEWSSEARCH"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default and help text."""

    name: str
    default: str | int
    help: str

    @property
    def envvar(self) -> str:
        """The environment variable that overrides the default."""
        return f"{ENV_PREFIX}_{self.name}"

    def value(self) -> str | int:
        """The value from the environment (as the default's type), else the default."""
        raw = os.environ.get(self.envvar)
        return self.default if raw is None else type(self.default)(raw)


INDEX_DIR = Setting("INDEX_DIR", "var/index", "Directory holding the search index.")
CORPUS_DIR = Setting("CORPUS_DIR", "corpus", "Folder of source articles to index.")
SYNONYMS_FILE = Setting(
    "SYNONYMS_FILE",
    str(Path(__file__).resolve().parent / "synonyms.txt"),
    "Plain-text file of synonyms and spelling variants applied to queries (one comma-separated group a line).",
)
# How a JSONL export is read (indexer/clean/jsonl.py); both change the index format, so a change rebuilds it.
JSONL_FIELDS = Setting(
    "JSONL_FIELDS",
    "",
    "JSONL field names to read an article field from, as FIELD=NAME (body=story_text), space-separated; tried "
    "before the common names (text/body/content/article, title/headline, date/published/publishedAt/pubDate, "
    "url/link, source/outlet/publisher, author/byline, id/guid).",
)
FACETS = Setting(
    "FACETS",
    "",
    "JSONL fields kept as keyword facets to count and filter on (category), space-separated.",
)
# A full build on a Dask distributed cluster (docs/deploy.md); the corpus and the index at the same paths on
# every worker.
CLUSTER = Setting(
    "CLUSTER",
    "",
    "Address of a Dask scheduler (tcp://HOST:8786) whose workers run full builds; empty: build on this machine. "
    "The corpus and index folders must be at the same paths on every worker (shared storage).",
)

PER_PAGE = Setting("PER_PAGE", 10, "Results per page when a search does not say (1 to 100).")
CORS_ORIGINS = Setting(
    "CORS_ORIGINS", "", "Origins allowed to call /api/ from a browser, comma-separated; none when empty."
)

# ``newsfind serve``: where the production server listens and how many worker processes it runs.
HOST = Setting("HOST", "127.0.0.1", "Address the server listens on (0.0.0.0: every interface).")
PORT = Setting("PORT", 8000, "TCP port the server listens on.")
WORKERS = Setting("WORKERS", 2, "Server worker processes (each answers requests in parallel).")

SETTINGS = (
    INDEX_DIR,
    CORPUS_DIR,
    SYNONYMS_FILE,
    JSONL_FIELDS,
    FACETS,
    CLUSTER,
    PER_PAGE,
    CORS_ORIGINS,
    HOST,
    PORT,
    WORKERS,
)
