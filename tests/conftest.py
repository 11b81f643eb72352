"""Shared fixtures: sample corpora, a real index built in a temporary folder, the app and its clients."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.build import reindex
from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"

SEED_IDS = ("000_d3a34fce153d5282", "002_10c5046bec448ba0")
HOSTILE_TEXT = (
    "Hostile article about elections.\n"
    "Readers saw <script>alert('x')</script> and <img src=x onerror=alert(1)> in the election coverage.\n"
    "A link javascript:alert(2) and a closing </textarea> tag and &lt;b&gt;entities&lt;/b&gt; too."
)
RECORDS = [
    {"id": "wire-1", "title": "Uzbekistan opens new rail link", "text": "TASHKENT: Uzbekistan opened a rail link "
     "to Kyrgyzstan on Tuesday.", "source": "Wire Service", "date": "2024-03-05", "url": "https://wire.example/1",
     "author": "A. Writer"},
    {"id": "wire-2", "title": "Election results announced", "text": "The election commission announced results "
     "after a long count.", "source": "Wire Service", "date": "2022-11-20T10:00:00Z"},
]


def write_corpus(folder: Path) -> Path:
    """A small corpus of every supported kind: the seeds, an HTML page, a JSONL export, a hostile article."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEED_CORPUS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    (folder / "pages").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "page.html", folder / "pages" / "summit.html")
    (folder / "export.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", "utf-8")
    (folder / "hostile.txt").write_text(HOSTILE_TEXT, "utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh, writable sample corpus."""
    return write_corpus(tmp_path / "corpus")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the sample corpus, built once for read-only tests."""
    base = tmp_path_factory.mktemp("built")
    root = base / "index"
    reindex(write_corpus(base / "corpus"), root)
    return root


@pytest.fixture
def app(built_index: Path):
    """The app serving the session's index."""
    return create_app({"INDEX_DIR": str(built_index), "TESTING": True})


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """A runner for CLI commands."""
    return CliRunner()
