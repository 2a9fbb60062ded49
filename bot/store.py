"""SQLite storage: per-user settings, the question log, feedback, quiz state and scores.

Usable without Telegram (the CLI quiz uses record_quiz_answer / quiz_score). User ids are strings:
Telegram ids as text, or any other front end's names for its users.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    city TEXT,
    role TEXT,
    updated TEXT
);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT,
    chat_id TEXT,
    text TEXT NOT NULL,
    norm TEXT NOT NULL,
    city TEXT,
    role TEXT,
    answered INTEGER NOT NULL,
    intent TEXT,
    doc_number TEXT,
    article TEXT,
    source TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_norm ON questions(norm, answered);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    value INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE TABLE IF NOT EXISTS quiz_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    correct INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quiz_answers_user ON quiz_answers(user_id);
CREATE TABLE IF NOT EXISTS inbox (
    bot_id INTEGER NOT NULL,
    update_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL,
    PRIMARY KEY (bot_id, update_id)
);
CREATE TABLE IF NOT EXISTS quiz_pending (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    question TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE TABLE IF NOT EXISTS rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL,
    host_id TEXT NOT NULL,
    questions TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 0,
    open INTEGER NOT NULL DEFAULT 1,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS round_answers (
    round_id INTEGER NOT NULL,
    q_index INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    choice INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (round_id, q_index, user_id)
);
"""


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file."""


@dataclass
class UserSettings:
    city: str | None = None
    role: str | None = None


@dataclass
class Round:
    id: int
    chat_id: str
    host_id: str
    questions: list[dict]
    current: int
    open: bool


INBOX_DAYS = 2  # handled updates kept this long: Telegram may send one again after a crash
MAX_ANSWER = 2000  # characters of an answer kept with its question
REASONS = ("不准确", "已过时", "不相关", "不完整", "引用错误")  # why an answer was no use (👎)
_ASKED = "COALESCE(intent, '') != 'small_talk'"  # a question, not 你好 or 谢谢

_NORM = re.compile(r"[\s，,。．.；;：:、“”\"‘’()（）!！?？·…-]+")


def normalize_question(text: str) -> str:
    """Grouping key for 'the same question': no punctuation or spacing, lower case."""
    return _NORM.sub("", text).lower()[:200]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=5000")
            self.db.execute("PRAGMA synchronous=FULL")  # a setting saved is on disk (SQLite's default, said)
            self.db.executescript(SCHEMA)
            self._migrate()
            self._lock = threading.RLock()
            self._pruned = -1e9
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from None

    def _migrate(self) -> None:
        """Columns added since a database was made: the answer a question got, the reason of a 👎."""
        for table, column in (("questions", "answer"), ("feedback", "reason")):
            have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    def close(self) -> None:
        self.db.close()

    def _x(self, sql: str, args=()) -> sqlite3.Cursor:
        """Execute under a lock: the bot answers in worker threads and writes from the event loop."""
        with self._lock:
            return self.db.execute(sql, args)

    def _one(self, sql: str, *args):
        with self._lock:
            return self.db.execute(sql, args).fetchone()

    def _all(self, sql: str, *args) -> list:
        with self._lock:
            return self.db.execute(sql, args).fetchall()

    # ---- settings ---------------------------------------------------------------------------

    def user(self, user_id: str) -> UserSettings:
        row = self._one("SELECT city, role FROM users WHERE user_id = ?", str(user_id))
        return UserSettings(*row) if row else UserSettings()

    def _set(self, user_id: str, column: str, value: str | None) -> None:
        self._x(f"INSERT INTO users(user_id, {column}, updated) VALUES (?, ?, ?) "
                        f"ON CONFLICT(user_id) DO UPDATE SET {column} = excluded.{column}, "
                        "updated = excluded.updated", (str(user_id), value, _now()))

    def set_city(self, user_id: str, city: str | None) -> None:
        self._set(user_id, "city", city)

    def set_role(self, user_id: str, role: str | None) -> None:
        self._set(user_id, "role", role)

    # ---- questions and feedback -------------------------------------------------------------

    def log_question(self, user_id: str, chat_id: str | None, text: str, *, city: str | None = None,
                     role: str | None = None, answered: bool = False, intent: str = "",
                     doc_number: str | None = None, article: str | None = None, source: str = "chat",
                     answer: str | None = None) -> int:
        """answer: what the bot said (its first line and citation), kept for the review queue."""
        cur = self._x(
            "INSERT INTO questions(user_id, chat_id, text, norm, city, role, answered, intent, doc_number, "
            "article, source, at, answer) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (str(user_id), None if chat_id is None else str(chat_id), text, normalize_question(text), city,
             role, int(answered), intent, doc_number, article, source, _now(),
             None if answer is None else answer[:MAX_ANSWER]))
        return int(cur.lastrowid)

    def question(self, question_id: int) -> dict | None:
        row = self._one("SELECT id, user_id, chat_id, text, answered, doc_number, article FROM questions WHERE id = ?",
                        question_id)
        if not row:
            return None
        return dict(zip(("id", "user_id", "chat_id", "text", "answered", "doc_number", "article"), row))

    def record_feedback(self, question_id: int, user_id: str, useful: bool) -> bool:
        """One vote per user and answer (a second vote replaces the first); False: no such question."""
        if not self.question(question_id):
            return False
        self._x("INSERT INTO feedback(question_id, user_id, value, at) VALUES (?,?,?,?) "
                        "ON CONFLICT(question_id, user_id) DO UPDATE SET value = excluded.value, at = excluded.at",
                        (question_id, str(user_id), 1 if useful else -1, _now()))
        return True

    def record_reason(self, question_id: int, user_id: str, reason: str) -> bool:
        """Why a user found an answer no use (one of REASONS), with their 👎; False: no such question."""
        if not self.question(question_id):
            return False
        self._x("INSERT INTO feedback(question_id, user_id, value, at, reason) VALUES (?,?,-1,?,?) "
                "ON CONFLICT(question_id, user_id) DO UPDATE SET value = -1, reason = excluded.reason, "
                "at = excluded.at", (question_id, str(user_id), _now(), reason))
        return True

    def feedback(self, question_id: int) -> tuple[int, int]:
        up, down = self._one("SELECT COALESCE(SUM(value > 0), 0), COALESCE(SUM(value < 0), 0) FROM feedback "
                             "WHERE question_id = ?", question_id)
        return int(up), int(down)

    # ---- quiz ---------------------------------------------------------------------------------

    def record_quiz_answer(self, user_id: str, question_id: str, correct: bool) -> None:
        self._x("INSERT INTO quiz_answers(user_id, question_id, correct, at) VALUES (?,?,?,?)",
                        (str(user_id), str(question_id), int(bool(correct)), _now()))

    def quiz_score(self, user_id: str) -> tuple[int, int]:
        """(answers right, answers given) over all of the user's quiz answers."""
        right, total = self._one("SELECT COALESCE(SUM(correct), 0), COUNT(*) FROM quiz_answers WHERE user_id = ?",
                                 str(user_id))
        return int(right), int(total)

    def answered_questions(self, user_id: str) -> set[str]:
        rows = self._all("SELECT DISTINCT question_id FROM quiz_answers WHERE user_id = ?", str(user_id))
        return {r[0] for r in rows}

    def save_pending(self, user_id: str, key: str, question: dict) -> None:
        self._x("INSERT INTO quiz_pending(user_id, key, question, answered, at) VALUES (?,?,?,0,?) "
                        "ON CONFLICT(user_id, key) DO UPDATE SET question = excluded.question, answered = 0, "
                        "at = excluded.at", (str(user_id), key, json.dumps(question, ensure_ascii=False), _now()))

    def pending(self, user_id: str, key: str) -> tuple[dict, bool] | None:
        """The question sent to this user under key, and whether it was answered already."""
        row = self._one("SELECT question, answered FROM quiz_pending WHERE user_id = ? AND key = ?", str(user_id), key)
        return (json.loads(row[0]), bool(row[1])) if row else None

    def close_pending(self, user_id: str, key: str) -> bool:
        """Mark answered; False if it already was (a second tap)."""
        cur = self._x("UPDATE quiz_pending SET answered = 1 WHERE user_id = ? AND key = ? AND answered = 0",
                              (str(user_id), key))
        return cur.rowcount == 1

    # ---- group rounds -------------------------------------------------------------------------

    def open_round(self, chat_id: str) -> Round | None:
        row = self._one("SELECT id FROM rounds WHERE chat_id = ? AND open = 1 ORDER BY id DESC LIMIT 1", str(chat_id))
        return self.round(row[0]) if row else None

    def round(self, round_id: int) -> Round | None:
        row = self._one("SELECT id, chat_id, host_id, questions, current, open FROM rounds WHERE id = ?", round_id)
        if not row:
            return None
        return Round(row[0], row[1], row[2], json.loads(row[3]), row[4], bool(row[5]))

    def create_round(self, chat_id: str, host_id: str, questions: list[dict]) -> Round:
        cur = self._x("INSERT INTO rounds(chat_id, host_id, questions, current, open, at) VALUES (?,?,?,0,1,?)",
                              (str(chat_id), str(host_id), json.dumps(questions, ensure_ascii=False), _now()))
        return self.round(int(cur.lastrowid))

    def round_answer(self, round_id: int, q_index: int, user_id: str, name: str, choice: int, correct: bool) -> bool:
        """Record a member's answer; False if they answered this question already (first answer counts)."""
        try:
            self._x("INSERT INTO round_answers(round_id, q_index, user_id, name, choice, correct, at) "
                            "VALUES (?,?,?,?,?,?,?)", (round_id, q_index, str(user_id), name, choice, int(correct), _now()))
        except sqlite3.IntegrityError:
            return False
        return True

    def round_tally(self, round_id: int, q_index: int) -> tuple[int, int]:
        right, total = self._one("SELECT COALESCE(SUM(correct), 0), COUNT(*) FROM round_answers "
                                 "WHERE round_id = ? AND q_index = ?", round_id, q_index)
        return int(right), int(total)

    def advance_round(self, round_id: int) -> None:
        self._x("UPDATE rounds SET current = current + 1 WHERE id = ?", (round_id,))

    def finish_round(self, round_id: int) -> bool:
        """Close the round; False if it was closed already."""
        return self._x("UPDATE rounds SET open = 0 WHERE id = ? AND open = 1", (round_id,)).rowcount == 1

    def leaderboard(self, round_id: int) -> list[tuple[str, int, int]]:
        rows = self._all(
            "SELECT user_id, MAX(name), SUM(correct), COUNT(*), MAX(at) FROM round_answers WHERE round_id = ? "
            "GROUP BY user_id ORDER BY SUM(correct) DESC, COUNT(*) ASC, MIN(at) ASC", round_id)
        return [(r[1], int(r[2]), int(r[3])) for r in rows]

    # ---- inbox: every update recorded on receipt, done once handled (bot/flow.py) ----------------

    def receive(self, bot_id: int, update_id: int, body: str) -> bool:
        """Record an update as it arrives; False when it is known already (Telegram sends again what a
        crash left unacknowledged). Old handled ones go first: after a week without updates Telegram
        numbers them afresh, and a stale id must not swallow a new update."""
        if time.monotonic() - self._pruned > 3600:
            self._pruned = time.monotonic()
            cutoff = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=INBOX_DAYS)).isoformat(timespec="seconds")
            self._x("DELETE FROM inbox WHERE done = 1 AND at < ?", (cutoff,))
        cur = self._x("INSERT OR IGNORE INTO inbox(bot_id, update_id, body, at) VALUES (?,?,?,?)",
                      (bot_id, update_id, body, _now()))
        return cur.rowcount == 1

    def handled(self, bot_id: int, update_id: int) -> None:
        """Without waiting for the disk (a kill -9 loses nothing of it; a power cut might): a crash between
        Telegram taking the reply and this mark answers the update again, so the mark must be quick."""
        with self._lock:
            self.db.execute("PRAGMA synchronous=NORMAL")
            try:
                self.db.execute("UPDATE inbox SET done = 1 WHERE bot_id = ? AND update_id = ?", (bot_id, update_id))
            finally:
                self.db.execute("PRAGMA synchronous=FULL")

    def is_handled(self, bot_id: int, update_id: int) -> bool:
        row = self._one("SELECT done FROM inbox WHERE bot_id = ? AND update_id = ?", bot_id, update_id)
        return bool(row and row[0])

    def unhandled(self, bot_id: int, max_attempts: int = 3) -> list[str]:
        """The updates a crash interrupted, oldest first, each counted as one more attempt; one that was
        tried max_attempts times already (it may be what crashed the bot) is given up and logged."""
        with self._lock:
            rows = self.db.execute("SELECT update_id, body, attempts FROM inbox WHERE bot_id = ? AND done = 0 "
                                   "ORDER BY update_id", (bot_id,)).fetchall()
            self.db.execute("UPDATE inbox SET attempts = attempts + 1, done = attempts + 1 >= ? "
                            "WHERE bot_id = ? AND done = 0", (max_attempts, bot_id))
        return [body for _, body, attempts in rows if attempts + 1 < max_attempts]

    # ---- statistics -----------------------------------------------------------------------------

    def stats(self, top: int = 10) -> dict:
        """Counts for /stats. Small talk (你好, 谢谢) is counted on its own, not as an unanswered question."""
        q, users, answered = self._one("SELECT COUNT(*), COUNT(DISTINCT user_id), COALESCE(SUM(answered), 0) "
                                       f"FROM questions WHERE {_ASKED}")
        talk = self._one(f"SELECT COUNT(*) FROM questions WHERE NOT ({_ASKED})")[0]
        up, down = self._one("SELECT COALESCE(SUM(value > 0), 0), COALESCE(SUM(value < 0), 0) FROM feedback")
        reasons = self._all("SELECT reason, COUNT(*) FROM feedback WHERE value < 0 AND reason IS NOT NULL "
                            "GROUP BY reason ORDER BY COUNT(*) DESC, reason")
        qa, qc = self._one("SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM quiz_answers")
        top_unanswered = self._all(
            f"SELECT MIN(text), COUNT(*) AS n FROM questions WHERE answered = 0 AND {_ASKED} GROUP BY norm "
            "ORDER BY n DESC, MAX(id) DESC LIMIT ?", top)
        recent_down = self._all(
            "SELECT q.text, COALESCE(q.doc_number || ' ' || q.article, ''), COALESCE(f.reason, '') FROM feedback f "
            "JOIN questions q ON q.id = f.question_id WHERE f.value < 0 ORDER BY f.at DESC, f.rowid DESC LIMIT 5")
        return {"questions": int(q), "users": int(users), "answered": int(answered), "unanswered": int(q - answered),
                "small_talk": int(talk), "thumbs_up": int(up), "thumbs_down": int(down),
                "reasons": [(r, int(n)) for r, n in reasons], "quiz_answers": int(qa), "quiz_correct": int(qc),
                "top_unanswered": [(t, int(n)) for t, n in top_unanswered],
                "recent_down": [(t, w.strip(), r) for t, w, r in recent_down]}

    def review(self, since: str | None = None) -> list[dict]:
        """The review queue: every unanswered question and every answer someone found no use, oldest first,
        with what was answered and cited and why it was disliked. since: an ISO date (UTC) to start from."""
        rows = self._all(
            "SELECT q.id, q.at, q.source, q.city, q.role, q.text, q.answered, q.intent, q.answer, q.doc_number, "
            "q.article, COALESCE(SUM(f.value < 0), 0), GROUP_CONCAT(CASE WHEN f.value < 0 THEN f.reason END, '；') "
            "FROM questions q LEFT JOIN feedback f ON f.question_id = q.id "
            f"WHERE q.at >= ? AND {_ASKED.replace('intent', 'q.intent')} GROUP BY q.id "
            "HAVING q.answered = 0 OR SUM(f.value < 0) > 0 ORDER BY q.at, q.id", since or "")
        keys = ("id", "at", "source", "city", "role", "question", "answered", "intent", "answer", "doc_number",
                "article", "thumbs_down", "reasons")
        out = []
        for row in rows:
            d = dict(zip(keys, row))
            d["answered"], d["thumbs_down"] = bool(d["answered"]), int(d["thumbs_down"])
            d["why"] = "👎" if d["thumbs_down"] else "未回答"
            out.append(d)
        return out
