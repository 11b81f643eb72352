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
    default: str
    help: str

    @property
    def envvar(self) -> str:
        """The environment variable that overrides the default."""
        return f"{ENV_PREFIX}_{self.name}"

    def value(self) -> str:
        """The value from the environment, else the default."""
        return os.environ.get(self.envvar, self.default)


INDEX_DIR = Setting("INDEX_DIR", "var/index", "Directory holding the search index.")
CORPUS_DIR = Setting("CORPUS_DIR", "corpus", "Folder of source articles to index.")
SYNONYMS_FILE = Setting(
    "SYNONYMS_FILE",
    str(Path(__file__).resolve().parent / "synonyms.txt"),
    "Plain-text file of synonyms and spelling variants applied to queries (one comma-separated group a line).",
)

SETTINGS = (INDEX_DIR, CORPUS_DIR, SYNONYMS_FILE)
