"""The README and docs/ stay true to the code: settings, CLI options, API routes, links, no machine paths."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from indexer.cli import cli
from indexer.settings import SETTINGS, Setting
from webapp import openapi

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
MACHINE_PATH = re.compile(r"/(?:work|tmp|root|home)/")
# Markdown links and images, and HTML src/href attributes.
LINK = re.compile(r"\]\(([^)\s]+)\)|\b(?:src|href)=\"([^\"]+)\"")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


def settings_rows() -> dict[str, list[str]]:
    """The rows of the settings table in docs/settings.md, by setting name."""
    rows = {}
    for line in (DOCS / "settings.md").read_text("utf-8").splitlines():
        cells = _cells(line) if line.startswith("| `") else []
        if len(cells) == 5:
            rows[cells[0].strip("`")] = cells
    return rows


def shown_default(setting: Setting) -> str:
    """A default as the table shows it: a path inside the repository relative to it, an empty one as (empty)."""
    default = setting.default
    if isinstance(default, str) and Path(default).is_absolute():
        default = Path(default).relative_to(ROOT).as_posix()
    return f"`{default}`" if default != "" else "(empty)"


def test_the_settings_table_lists_every_setting_once() -> None:
    rows = settings_rows()
    assert sorted(rows) == sorted(s.name for s in SETTINGS)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_the_settings_table_matches_the_declaration(setting: Setting) -> None:
    name, envvar, default, _used_by, meaning = settings_rows()[setting.name]
    assert envvar == f"`{setting.envvar}`"
    assert default == shown_default(setting)
    assert meaning == setting.help


def test_a_drifted_default_would_be_caught() -> None:
    drifted = Setting("PER_PAGE", 25, "Results per page when a search does not say (1 to 100).")
    assert settings_rows()["PER_PAGE"][2] != shown_default(drifted)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_machine_specific_paths(page: Path) -> None:
    found = [line for line in page.read_text("utf-8").splitlines() if MACHINE_PATH.search(line)]
    assert found == []


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes of a Markdown page's headings."""
    headings = re.findall(r"^#+ (.+)$", page.read_text("utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def broken(page: Path, target: str) -> bool:
    """Whether a relative link from ``page`` misses its file, or its heading in a Markdown file."""
    path, _, anchor = target.partition("#")
    file = page.parent / path if path else page
    if not file.exists():
        return True
    return bool(anchor) and file.suffix == ".md" and anchor not in anchors(file)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_point_to_existing_files(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.DOTALL)  # code blocks hold no links
    targets = [a or b for a, b in LINK.findall(text)]
    relative = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert [t for t in relative if broken(page, t)] == []


def test_the_link_check_sees_a_missing_file_and_a_missing_heading() -> None:
    cli_md = DOCS / "cli.md"
    assert not broken(cli_md, "api.md") and not broken(cli_md, "#exit-codes")
    assert broken(cli_md, "nowhere.md") and broken(cli_md, "api.md#no-such-heading")


def test_the_link_check_sees_links() -> None:
    targets = [a or b for a, b in LINK.findall((ROOT / "README.md").read_text("utf-8"))]
    assert "docs/cli.md" in targets and any(t.startswith("docs/screenshots/") for t in targets)


def _options() -> list[tuple[str, str]]:
    found = []
    for name, command in sorted(cli.commands.items()):
        for param in command.params:
            if isinstance(param, click.Option):
                found += [(name, opt) for opt in param.opts if opt.startswith("--") and opt != "--help"]
    return found


@pytest.mark.parametrize(("command", "option"), _options())
def test_every_cli_command_and_option_is_documented(command: str, option: str) -> None:
    text = (DOCS / "cli.md").read_text("utf-8")
    section = text.split(f"## `newsfind {command}", 1)[1].split("\n## ", 1)[0]
    assert f"`{option}" in section


@pytest.mark.parametrize("path", [*openapi.spec()["paths"], "/api/openapi.json"])
def test_every_api_endpoint_is_documented(path: str) -> None:
    assert f"`GET {path}`" in (DOCS / "api.md").read_text("utf-8")
