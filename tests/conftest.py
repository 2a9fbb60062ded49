from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def engine():
    """The engine over the bundled corpus, loaded once for the whole run."""
    from retrieval.engine import Engine

    return Engine.load()
