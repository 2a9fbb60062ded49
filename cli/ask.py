"""`policybot ask`: one question (plain text or --json), or --jsonl, one JSON question per stdin line
answered by one JSON line each, flushed at once (the contract in ../shared/eval/README.md)."""
from __future__ import annotations

import json
import sys

from retrieval.followups import Conversations
from retrieval.models import document_name

from .common import add_corpus_options, fail, load_engine

_EMPTY = "问题是空的：请给出一个问题，或用 --jsonl 从标准输入逐行读取问题"


def question_from(obj) -> tuple[dict | None, str | None]:
    """A --jsonl line's object → (question fields, None) or (None, error)."""
    if not isinstance(obj, dict):
        return None, "每行须是一个 JSON 对象，例如 {\"q\": \"…\", \"city\": null}"
    q = obj.get("q")
    if not isinstance(q, str):
        return None, "'q' 必须是字符串"
    fields = {"q": q}
    for key in ("city", "role"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return None, f"'{key}' 必须是字符串或 null"
        fields[key] = value
    user = obj.get("user")  # the asker: a follow-up ("那招远呢？") leans on their last question
    if user is not None and (not isinstance(user, (str, int)) or isinstance(user, bool)):
        return None, "'user' 必须是字符串、整数或 null"
    fields["user"] = None if user is None else str(user)
    top = obj.get("top")
    if top is not None and (not isinstance(top, int) or isinstance(top, bool) or top < 1):
        return None, "'top' 必须是正整数"
    fields["top"] = top
    return fields, None


MAX_LINE = 64 * 1024  # bytes in one --jsonl line; a question is a sentence


def _text_ok(value) -> bool:
    """A JSON string may hold a lone surrogate ("\\ud800") that no output can carry."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _answer_line(conversations: Conversations, raw: bytes, args) -> dict:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {"error": "这一行不是 UTF-8 编码的文本"}
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nesting thousands deep
        return {"error": "不是有效的 JSON：每行发送一个对象，例如 {\"q\": \"…\"}"}
    fields, error = question_from(obj)
    if error:
        return {"error": error}
    if not all(_text_ok(v) for v in fields.values() if isinstance(v, str)):
        return {"error": "问题、城市、角色或 user 里有无效的字符（单独的 UTF-16 代理项）"}
    answer, _ = conversations.ask(fields["user"], fields["q"], city=fields["city"] or args.city,
                                  role=fields["role"] or args.role, top=fields["top"] or args.top)
    return answer.to_dict()


def _lines(stream):
    """stdin's lines as bytes; a line over MAX_LINE is read to its end but given as None."""
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_LINE)
            yield None
            continue
        yield line.rstrip(b"\r\n")


def _answer_stream(engine, args) -> int:
    """Every line gets a line back, in order: a bad line gets {"error": …}, never a broken stream. Lines
    with a "user" are a conversation: each may follow up that user's last question."""
    conversations = Conversations(engine)
    for raw in _lines(sys.stdin.buffer):
        if raw is None:
            out = {"error": f"这一行太长了（超过 {MAX_LINE // 1024} KB）"}
        else:
            try:
                out = _answer_line(conversations, raw, args)
            except Exception as exc:  # noqa: BLE001 - one question must not end the stream of the others
                out = {"error": f"回答这个问题时出错：{type(exc).__name__}"}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def cmd_ask(args) -> int:
    question = " ".join(args.question).strip()
    if not args.jsonl and not question:
        return fail("ask", _EMPTY, 2)
    if not all(_text_ok(v) for v in (question, args.city or "", args.role or "")):
        return fail("ask", "问题、--city 或 --role 里有不是 UTF-8 文本的字节：请检查终端的编码", 2)
    engine = load_engine(args)
    if args.jsonl:
        return _answer_stream(engine, args)
    answer = engine.ask(question, city=args.city, role=args.role, top=args.top)
    if answer.intent == "empty":  # only invisible characters: no question after all
        return fail("ask", _EMPTY, 2)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(answer.answer)
    if answer.related:
        print("\n相关条款：")
        for c in answer.related:
            print(f"  {document_name(c.title, c.doc_number)}{c.label}{c.heading}")
    return 0


def add_command(sub) -> None:
    ask = sub.add_parser("ask", help="回答一个问题（或 --jsonl：从标准输入逐行读取 JSON 问题）",
                         description="回答一个问题，并给出依据的条款。")
    ask.add_argument("question", nargs="*", metavar="问题", help="要问的问题")
    fmt = ask.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="以一个 JSON 对象输出答案")
    fmt.add_argument("--jsonl", action="store_true", help="从标准输入逐行读取 JSON 问题，逐行输出 JSON 答案")
    ask.add_argument("--city", metavar="城市", help="提问者所在城市")
    ask.add_argument("--role", metavar="角色", help="提问者的角色")
    ask.add_argument("--top", type=int, metavar="K", default=3, help="返回几条引用（默认 3）")
    add_corpus_options(ask, "配置文件（使用其中的 corpus）")
    ask.set_defaults(func=cmd_ask)
