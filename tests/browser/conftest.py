"""Browser fixtures: the real app served on loopback over an index built for real, and Debian's Chromium
driven by Playwright. Every page records console errors, page errors and dialogs; a test fails on any."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright
from werkzeug.serving import make_server

from indexer.index.build import reindex
from tests.conftest import FEATURE_RECORDS, ROOT, write_corpus
from webapp import create_app

CHROMIUM = os.environ.get("NEWSSEARCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
PER_PAGE = 3
DESKTOP = {"width": 1280, "height": 860}
MOBILE = {"width": 360, "height": 780}
TIMEOUT_MS = 10_000  # generous: CI shares two cores with the whole suite

expect.set_options(timeout=TIMEOUT_MS)

# A pipeline story over two years, from four outlets, mentioning countries: enough matches for pagination (3 a
# page), a monthly timeline, source and place facets.
PIPELINE = [
    (
        "pipe-1",
        "Kazakhstan plans a new oil pipeline to China",
        "Steppe Wire",
        "2023-01-16",
        "ASTANA: Kazakhstan will build a second oil pipeline to China, the energy ministry said.",
    ),
    (
        "pipe-2",
        "Turkmenistan gas pipeline talks resume",
        "Central Post",
        "2023-04-03",
        "Turkmenistan and Afghanistan resumed talks on the gas pipeline that would cross to Pakistan and India.",
    ),
    (
        "pipe-3",
        "Pipeline repairs cut exports from Kazakhstan",
        "Daily Reprint",
        "2023-06-21",
        "Repairs on the Caspian pipeline cut oil exports from Kazakhstan for a week, traders in Russia said.",
    ),
    (
        "pipe-4",
        "Uzbekistan signs pipeline deal with Russia",
        "Steppe Wire",
        "2023-09-05",
        "Uzbekistan signed a deal to import gas from Russia through the old Soviet pipeline network.",
    ),
    (
        "pipe-5",
        "Azerbaijan and Kazakhstan study a Caspian pipeline",
        "Caspian Times",
        "2024-02-12",
        "Azerbaijan and Kazakhstan agreed to study a pipeline under the Caspian Sea to carry oil west.",
    ),
    (
        "pipe-6",
        "China extends the Central Asia gas pipeline",
        "Central Post",
        "2024-05-30",
        "China said the fourth line of the Central Asia gas pipeline through Tajikistan and Kyrgyzstan would start.",
    ),
    (
        "pipe-7",
        "Pipeline fees rise in Georgia and Turkey",
        "Caspian Times",
        "2024-08-19",
        "Transit fees on the pipeline through Georgia and Turkey rose, Azerbaijan's state oil company said.",
    ),
]


@pytest.fixture(scope="session")
def browser_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus (seeds, HTML, JSONL, a hostile article), the search-features corpus and a dated pipeline
    story, indexed for real."""
    base = tmp_path_factory.mktemp("browser")
    corpus = write_corpus(base / "corpus")
    records = FEATURE_RECORDS + [{"id": i, "title": t, "source": s, "date": d, "text": x} for i, t, s, d, x in PIPELINE]
    (corpus / "more.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    reindex(corpus, base / "index")
    return base / "index"


@pytest.fixture(scope="session")
def server(browser_index: Path) -> Iterator[str]:
    """The real app on a free loopback port; its base URL."""
    app = create_app({"INDEX_DIR": str(browser_index), "PER_PAGE": PER_PAGE})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; `make test` installs it."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make test` (it installs chromium) or apt-get install chromium")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What a page reported that a user would not want: console errors, uncaught errors, dialogs."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)  # console messages a test expects (e.g. a 400 it provokes)

    def problems(self) -> list[str]:
        console = [m for m in self.console if not any(a in m for a in self.allowed)]
        return console + self.errors + [f"dialog: {d}" for d in self.dialogs]


@pytest.fixture
def watch() -> Watch:
    """The page's console errors, page errors and dialogs."""
    return Watch()


@contextmanager
def open_page(browser: Browser, watch: Watch, viewport: dict[str, int], **options: object) -> Iterator[Page]:
    """A page in a fresh browser context (``options`` for ``new_context``) whose problems go to ``watch``."""
    context = browser.new_context(viewport=viewport, reduced_motion="reduce", locale="en-US", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda msg: watch.console.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.errors.append(f"pageerror: {exc}"))

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    """A fresh desktop-sized page (1280 px wide); the test fails on any console error, page error or dialog."""
    with open_page(browser, watch, DESKTOP) as page:
        yield page
    assert not watch.problems(), watch.problems()


@pytest.fixture
def mobile_page(browser: Browser, watch: Watch) -> Iterator[Page]:
    """A fresh phone-sized page (360 px wide)."""
    with open_page(browser, watch, MOBILE) as page:
        yield page
    assert not watch.problems(), watch.problems()


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here too, so the folder runs on its own (`pytest tests/browser`)."""
    config.addinivalue_line("markers", "browser: end-to-end tests in headless Chromium against the real server")
