"""Re-checks every question of this set against the reference texts, with the checker of tests/data/unseen
(one copy of it for both sets). `python3 check_questions.py` exits 0 when all pass."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "unseen"))
from check_questions import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(HERE))
