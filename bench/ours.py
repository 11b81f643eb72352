"""Run our real build (``indexer.build.reindex``) in its own process and report its time and peak memory."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from indexer.build import reindex


def main(argv: list[str]) -> None:
    """``python -m bench.ours CORPUS INDEX [--full]``: one reindex, a JSON line on stdout."""
    corpus, root = Path(argv[0]), Path(argv[1])
    summary = reindex(corpus, root, full="--full" in argv)
    print(json.dumps({
        "seconds": summary.seconds, "documents": summary.documents, "changed": summary.changed,
        "skipped": len(summary.skipped), "full": summary.full,
        # ru_maxrss is in KiB on Linux: the peak of the process that runs the Whoosh writer.
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
