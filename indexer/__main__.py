"""Run the CLI with ``python -m indexer``."""

from indexer.cli import cli

cli(prog_name="python -m indexer")
