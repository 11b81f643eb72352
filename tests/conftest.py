"""Shared fixtures: sample corpora, a real index built in a temporary folder, the app and its clients."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.shared import DATA
from indexer.index.build import reindex
from indexer.search import Engine
from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def require_data(*folders: str) -> None:
    """Check the shared development data has these folders; if not, fail under ``CI=true``, else skip."""
    missing = [name for name in folders if not (DATA / name).is_dir()]
    if missing:
        message = (
            f"shared data missing: {', '.join(missing)} in {DATA} (it belongs at ../shared/data beside the "
            "repository, or set NEWSFIND_DATA)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.needs_data("news-bbc", ...)``: the test reads these folders of the shared data."""
    for mark in item.iter_markers("needs_data"):
        require_data(*mark.args)


SEED_IDS = ("000_d3a34fce153d5282", "002_10c5046bec448ba0")
HOSTILE_TEXT = (
    "Hostile article about elections.\n"
    "Readers saw <script>alert('x')</script> and <img src=x onerror=alert(1)> in the election coverage.\n"
    "A link javascript:alert(2) and a closing </textarea> tag and &lt;b&gt;entities&lt;/b&gt; too."
)
RECORDS = [
    {
        "id": "wire-1",
        "title": "Uzbekistan opens new rail link",
        "text": "TASHKENT: Uzbekistan opened a rail link to Kyrgyzstan on Tuesday.",
        "source": "Wire Service",
        "date": "2024-03-05",
        "url": "https://wire.example/1",
        "author": "A. Writer",
    },
    {
        "id": "wire-2",
        "title": "Election results announced",
        "text": "The election commission announced results after a long count.",
        "source": "Wire Service",
        "date": "2022-11-20T10:00:00Z",
    },
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
def open_engine() -> Iterator[Callable[..., Engine]]:
    """Open engines on index folders; each is closed when the test ends."""
    opened: list[Engine] = []

    def open_(root: Path, **options: object) -> Engine:
        opened.append(Engine(root, **options))  # type: ignore[arg-type]
        return opened[-1]

    yield open_
    for engine in opened:
        engine.close()


@pytest.fixture(scope="session")
def engine(built_index: Path) -> Iterator[Engine]:
    """The engine on the sample corpus's index (read-only, shared by the whole session)."""
    engine = Engine(built_index)
    yield engine
    engine.close()


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


# A corpus for the search features: a story reprinted twice (near-duplicates), name variants handled by the
# synonyms file, dates across three years and sources to facet on, and words to misspell.
STORY = (
    "Water ministers from Kazakhstan, Uzbekistan and Tajikistan met in Almaty on Monday to agree how much water "
    "the Syr Darya reservoirs will release during the summer irrigation season. The talks followed a dry winter "
    "in the mountains, and farmers downstream had warned that cotton and wheat harvests were at risk. Officials "
    "said the new schedule would be reviewed every month, and that a joint commission would publish the flows "
    "measured at each dam so that every country could check them."
)
FEATURE_RECORDS = [
    {
        "id": "story-1",
        "title": "Central Asian ministers agree summer water releases",
        "text": STORY,
        "source": "Steppe Wire",
        "date": "2024-05-06",
    },
    {
        "id": "story-2",
        "title": "Ministers agree water releases for summer",
        "text": STORY + " The agreement still needs the approval of the three governments.",
        "source": "Daily Reprint",
        "date": "2024-05-07",
    },
    {
        "id": "story-3",
        "title": "Water release deal for the summer",
        "text": STORY.replace("Monday", "Tuesday")
        .replace("dry winter", "very dry winter")
        .replace("farmers downstream", "growers downstream"),
        "source": "Central Post",
        "date": "2024-05-08",
    },
    {
        "id": "dam-1",
        "title": "Rogun dam construction speeds up",
        "text": "Tajikistan said construction of the "
        "Rogun dam on the Vakhsh river is ahead of schedule, and the reservoir will hold water for irrigation and "
        "power downstream.",
        "source": "Steppe Wire",
        "date": "2023-09-12",
    },
    {
        "id": "kg-1",
        "title": "Kirghizia parliament passes budget",
        "text": "BISHKEK: The parliament of Kirghizia "
        "passed the budget on Wednesday after a long debate about pensions.",
        "source": "Central Post",
        "date": "2023-02-01",
    },
    {
        "id": "kg-2",
        "title": "Kyrgyzstan and Kazakhstan sign border treaty",
        "text": "President Tokayev of Kazakhstan and the president of Kyrgyzstan signed a treaty on the border.",
        "source": "Steppe Wire",
        "date": "2022-12-15",
    },
    {
        "id": "kz-1",
        "title": "Tokaev addresses the nation",
        "text": "President Tokaev spoke about reforms, the economy and the parliament in his yearly address.",
        "source": "Daily Reprint",
        "date": "2023-02-20",
    },
    {
        "id": "undated",
        "title": "Undated note on pensions",
        "text": "A note about pensions and the parliament without any date.",
        "source": "Central Post",
    },
]


@pytest.fixture(scope="session")
def features_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the search-features corpus, built once."""
    base = tmp_path_factory.mktemp("features")
    (base / "corpus").mkdir()
    (base / "corpus" / "features.jsonl").write_text("\n".join(json.dumps(r) for r in FEATURE_RECORDS) + "\n", "utf-8")
    reindex(base / "corpus", base / "index")
    return base / "index"


@pytest.fixture
def features_client(features_index: Path):
    """A test client serving the search-features index."""
    return create_app({"INDEX_DIR": str(features_index), "TESTING": True}).test_client()
