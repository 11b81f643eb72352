"""Run the CLI with ``python -m indexer``."""

from indexer.cli import cli

if __name__ == "__main__":  # worker processes import this module too
    cli(prog_name="python -m indexer")
