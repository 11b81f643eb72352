"""Settings declared once, read by the CLI and the web app."""

from __future__ import annotations

import os
from dataclasses import dataclass

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

SETTINGS = (INDEX_DIR, CORPUS_DIR)
