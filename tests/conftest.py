import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared sits beside the repository in CI and in the team's checkout, not in a clone of it alone.
SHARED = ROOT.parent / "shared"
SHARED_REASON = "../shared not present (CI has it)"
SEED_FILES = ("yantai-yanzhengfa-2022-8.txt", "zhaoyuan-zhaozhengfa-2022-21.txt")


def _seeds() -> Path:
    """The folder of the two seed documents as received. The bundled corpus holds them byte for byte
    (test_parse checks that where ../shared is present), so a clone alone uses copies of those: copies
    in a folder of their own, since ingest refuses to read the corpus's own folder."""
    if (SHARED / "seeds").is_dir():
        return SHARED / "seeds"
    copies = Path(tempfile.mkdtemp(prefix="policybot-seeds-"))
    atexit.register(shutil.rmtree, copies, ignore_errors=True)
    for name in SEED_FILES:
        shutil.copyfile(ROOT / "corpus" / "documents" / name, copies / name)
    return copies


SEEDS = _seeds()


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.needs_shared` tests skip, with the reason, where ../shared is absent."""
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=SHARED_REASON)
    for item in items:
        if item.get_closest_marker("needs_shared"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def engine():
    """The engine over the bundled corpus, loaded once for the whole run."""
    from retrieval.engine import Engine

    return Engine.load()
