"""Where the shared development data is: ``../shared/data`` beside the repository, or ``NEWSFIND_DATA``."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWSFIND_DATA") or ROOT.parent / "shared" / "data")
