"""A fake Telegram Bot API server on 127.0.0.1, strict where Telegram is strict.

The bot reaches it through `telegram.base_url` (http://127.0.0.1:PORT/bot). It feeds queued updates
to getUpdates (long polling) or POSTs them to a webhook set with setWebhook, records every call, and
rejects what Telegram would reject: HTML that does not parse, texts over 4,096 characters, more
than 100 entities, callback data over 64 bytes, unknown chats or messages, unknown methods.

It runs in its own threads, so a test's event loop, an in-process Application and a `policybot
serve` subprocess can all use it. Tests build updates with the helpers (message, command, press,
inline, sticker …) and await the bot's calls with wait().
"""
from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import html
import itertools
import json
import queue
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456789:TEST-fake-token_for-policybot"
BOT = {"id": 123456789, "is_bot": True, "first_name": "PolicyBot", "username": "policy_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}

# values PTB sends as plain strings (everything else is JSON-encoded)
RAW_FIELDS = {"text", "caption", "parse_mode", "callback_query_id", "inline_query_id", "action", "url",
              "secret_token", "next_offset", "language_code", "description", "short_description", "name"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
                "pre", "blockquote", "tg-emoji"}
_TOKEN_RE = re.compile(
    r"<(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
    r"|&(?:#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_html(text: str) -> tuple[str | None, str, int]:
    """(error or None, visible text, entity count) for a parse_mode=HTML text, as Telegram parses it."""
    stack: list[str] = []
    visible: list[str] = []
    entities = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch not in "<&>":
            visible.append(ch)
            i += 1
            continue
        m = _TOKEN_RE.match(text, i)
        if not m:
            return f"Bad Request: can't parse entities: unescaped {ch!r} at byte offset {i}", "", 0
        token = m.group(0)
        if token.startswith("&"):
            visible.append(html.unescape(token))
        else:
            closing, tag, attrs = m.group(1), m.group(2).lower(), m.group(3) or ""
            if tag not in ALLOWED_TAGS:
                return f"Bad Request: can't parse entities: unsupported start tag \"{tag}\" at byte offset {i}", "", 0
            if closing:
                if not stack or stack[-1] != tag:
                    return f"Bad Request: can't parse entities: can't find end tag corresponding to start tag " \
                           f"\"{stack[-1] if stack else tag}\"", "", 0
                stack.pop()
            else:
                if tag == "a" and "href=" not in attrs:
                    return "Bad Request: can't parse entities: a tag without href", "", 0
                stack.append(tag)
                entities += 1
        i = m.end()
    if stack:
        return f"Bad Request: can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\"", "", 0
    return None, "".join(visible), entities


class ApiError(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code, self.description = code, description


@dataclass
class Call:
    method: str
    params: dict
    result: object = None
    error: str | None = None
    files: dict = field(default_factory=dict)  # name → (filename, bytes)
    at: float = 0.0

    @property
    def text(self) -> str:
        return self.params.get("text") or self.params.get("caption") or ""

    @property
    def buttons(self) -> list[list[dict]]:
        markup = self.params.get("reply_markup") or {}
        return markup.get("inline_keyboard", []) if isinstance(markup, dict) else []

    def button_texts(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def button(self, pattern: str) -> dict:
        for row in self.buttons:
            for b in row:
                if re.search(pattern, b["text"]):
                    return b
        raise AssertionError(f"no button matching {pattern!r} in {self.button_texts()}")

    @property
    def visible(self) -> str:
        """The text as a user sees it (tags removed, entities decoded)."""
        if self.params.get("parse_mode") == "HTML":
            return check_html(self.text)[1]
        return self.text


def _utf16_offset(text: str, index: int) -> int:
    return utf16_len(text[:index])


def entities_for(text: str) -> list[dict]:
    out = []
    m = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if m:
        out.append({"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))})
    for m in re.finditer(r"(?<![\w/])@[A-Za-z][A-Za-z0-9_]{3,}", text):
        out.append({"type": "mention", "offset": _utf16_offset(text, m.start()), "length": utf16_len(m.group(0))})
    return out


class FakeBotAPI:
    def __init__(self, token: str = TOKEN, bot: dict | None = None):
        self.token = token
        self.bot = dict(bot or BOT)
        self.calls: list[Call] = []
        self.updates: list[dict] = []
        self.cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._callback_ids = itertools.count(1)
        self.messages: dict[tuple[int, int], dict] = {}
        self.chats: dict[int, dict] = {}
        self.commands: dict[str, list[dict]] = {}
        self.webhook: dict | None = None
        self.failures: list[tuple[str, int, str]] = []
        self._webhook_queue: queue.Queue = queue.Queue()
        self._closed = False
        self.server: ThreadingHTTPServer | None = None

    # ---- server ----------------------------------------------------------------------------------

    def start(self) -> "FakeBotAPI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between header and body

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                self._handle()

            def do_GET(self):
                self._handle()

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload = fake._dispatch(self.path, self.headers.get("Content-Type", ""), body)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                if not isinstance(sys.exc_info()[1], ConnectionError):  # a bot killed mid-request: expected
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakebotapi",
                         daemon=True).start()
        threading.Thread(target=self._deliver_webhooks, name="fakebotapi-webhook", daemon=True).start()
        return self

    def stop(self) -> None:
        with self.cond:
            self._closed = True
            self.cond.notify_all()
        self._webhook_queue.put(None)
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- request handling ---------------------------------------------------------------------

    def _dispatch(self, path: str, content_type: str, body: bytes) -> tuple[int, dict]:
        m = re.fullmatch(r"/bot([^/]+)/(\w+)", urllib.parse.urlsplit(path).path)
        if not m:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = m.group(1), m.group(2)
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        params, files = self._parse_body(content_type, body)
        call = Call(method, params, files=files, at=time.monotonic())
        try:
            for i, (fm, code, desc) in enumerate(self.failures):
                if fm == method:
                    del self.failures[i]
                    raise ApiError(code, desc)
            handler = getattr(self, "api_" + method, None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            call.result = handler(params, files)
            status, payload = 200, {"ok": True, "result": call.result}
        except ApiError as exc:
            call.error = exc.description
            status, payload = exc.code, {"ok": False, "error_code": exc.code, "description": exc.description}
        if method != "getUpdates" or call.result:
            with self.cond:
                self.calls.append(call)
                self.cond.notify_all()
        return status, payload

    @staticmethod
    def _decode(name: str, value: str):
        if name in RAW_FIELDS:
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    def _parse_body(self, content_type: str, body: bytes) -> tuple[dict, dict]:
        params: dict = {}
        files: dict = {}
        if content_type.startswith("multipart/form-data"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                content = part.get_payload(decode=True) or b""
                if filename is not None:
                    files[name] = (filename, content)
                else:
                    params[name] = self._decode(name, content.decode("utf-8"))
        elif content_type.startswith("application/json") and body:
            params = json.loads(body)
        elif body:
            for name, value in urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True):
                params[name] = self._decode(name, value)
        return params, files

    # ---- validation shared by the sending methods -----------------------------------------------

    def _chat(self, chat_id) -> dict:
        try:
            chat_id = int(chat_id)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.chats[chat_id]

    def _check_text(self, text, parse_mode, limit=4096, what="message text"):
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, f"Bad Request: {what} is empty")
        if parse_mode == "HTML":
            error, visible, entities = check_html(text)
            if error:
                raise ApiError(400, error)
            if entities > 100:
                raise ApiError(400, "Bad Request: too many entities")
        elif parse_mode:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
        else:
            visible = text
        if not visible.strip():
            raise ApiError(400, f"Bad Request: {what} is empty")
        if utf16_len(visible) > limit:
            raise ApiError(400, f"Bad Request: {what} is too long")

    def _check_markup(self, markup):
        if markup is None:
            return
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            raise ApiError(400, "Bad Request: unsupported reply markup")
        for row in markup["inline_keyboard"]:
            for b in row:
                if not b.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = b.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if data is None and not b.get("url") and "switch_inline_query" not in b:
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button")

    def _new_message(self, chat: dict, params: dict, **content) -> dict:
        counter = self._message_ids.setdefault(chat["id"], itertools.count(1000))
        msg = {"message_id": next(counter), "date": int(time.time()), "chat": chat, "from": self.bot, **content}
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        rp = params.get("reply_parameters")
        if isinstance(rp, dict) and (chat["id"], rp.get("message_id")) in self.messages:
            msg["reply_to_message"] = self.messages[(chat["id"], rp["message_id"])]
        if params.get("message_thread_id"):
            msg["message_thread_id"] = params["message_thread_id"]
        self.messages[(chat["id"], msg["message_id"])] = msg
        return msg

    # ---- Bot API methods ----------------------------------------------------------------------

    def api_getMe(self, p, f):
        return self.bot

    def api_logOut(self, p, f):
        return True

    def api_close(self, p, f):
        return True

    def api_deleteWebhook(self, p, f):
        self.webhook = None
        return True

    def api_setWebhook(self, p, f):
        url = p.get("url") or ""
        if url and not url.startswith(("https://", "http://127.0.0.1")):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self.webhook = {"url": url, "secret_token": p.get("secret_token")} if url else None
        return True

    def api_getWebhookInfo(self, p, f):
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}

    def api_getUpdates(self, p, f):
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        limit = int(p.get("limit") or 100)
        deadline = time.monotonic() + min(timeout, 30)
        with self.cond:
            if offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and not self._closed and time.monotonic() < deadline:
                self.cond.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            return list(self.updates[:limit])

    def api_sendMessage(self, p, f):
        chat = self._chat(p.get("chat_id"))
        self._check_text(p.get("text"), p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        return self._new_message(chat, p, text=p["text"])

    def api_sendDocument(self, p, f):
        chat = self._chat(p.get("chat_id"))
        if "document" not in f and not isinstance(p.get("document"), str):
            raise ApiError(400, "Bad Request: there is no document in the request")
        if p.get("caption"):
            self._check_text(p["caption"], p.get("parse_mode"), limit=1024, what="caption")
        filename, content = f.get("document", ("file", b""))
        doc = {"file_id": f"doc{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}", "file_name": filename,
               "file_size": len(content)}
        return self._new_message(chat, p, document=doc, **({"caption": p["caption"]} if p.get("caption") else {}))

    def _bot_message(self, p) -> dict:
        chat = self._chat(p.get("chat_id"))
        msg = self.messages.get((chat["id"], int(p.get("message_id") or 0)))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg.get("from", {}).get("id") != self.bot["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def api_editMessageText(self, p, f):
        msg = self._bot_message(p)
        self._check_text(p.get("text"), p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        if msg.get("text") == p["text"] and msg.get("reply_markup") == p.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        msg["text"] = p["text"]
        msg["edit_date"] = int(time.time())
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        else:
            msg.pop("reply_markup", None)
        return msg

    def api_editMessageReplyMarkup(self, p, f):
        msg = self._bot_message(p)
        self._check_markup(p.get("reply_markup"))
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        else:
            msg.pop("reply_markup", None)
        return msg

    def api_answerCallbackQuery(self, p, f):
        if len(p.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def api_answerInlineQuery(self, p, f):
        results = p.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [r.get("id") for r in results]
        if len(set(ids)) != len(ids) or any(not i or len(i.encode()) > 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        for r in results:
            if not r.get("title"):
                raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
            content = r.get("input_message_content") or {}
            self._check_text(content.get("message_text"), content.get("parse_mode"))
        return True

    def api_sendChatAction(self, p, f):
        self._chat(p.get("chat_id"))
        return True

    def _scope_key(self, p) -> str:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True)

    def api_setMyCommands(self, p, f):
        commands = p.get("commands") or []
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) or not 1 <= len(c.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = p.get("scope") or {}
        if scope.get("type") == "chat":
            self._chat(scope.get("chat_id"))
        self.commands[self._scope_key(p)] = commands
        return True

    def api_getMyCommands(self, p, f):
        return self.commands.get(self._scope_key(p), [])

    # ---- feeding updates ------------------------------------------------------------------------

    def push(self, update: dict) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook:
            self._webhook_queue.put(update)
        else:
            with self.cond:
                self.updates.append(update)
                self.cond.notify_all()
        return update

    def _deliver_webhooks(self):
        while True:
            update = self._webhook_queue.get()
            if update is None:
                return
            hook = self.webhook or {}
            headers = {"Content-Type": "application/json"}
            if hook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            req = urllib.request.Request(hook.get("url", ""), data=json.dumps(update).encode(), headers=headers)
            for _ in range(50):
                try:
                    urllib.request.urlopen(req, timeout=5).read()
                    break
                except Exception:  # noqa: BLE001 - the webhook server may not be up yet
                    time.sleep(0.1)

    @staticmethod
    def user(user_id: int = 1001, first_name: str = "张三", username: str | None = "zhangsan", **extra) -> dict:
        u = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans", **extra}
        if username:
            u["username"] = username
        return u

    def private_chat(self, user: dict) -> dict:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if user.get("username"):
            chat["username"] = user["username"]
        self.chats[chat["id"]] = chat
        return chat

    def group_chat(self, chat_id: int = -1001234567890, title: str = "政策学习群") -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.chats[chat_id] = chat
        return chat

    def _message(self, user: dict, chat: dict | None, **content) -> dict:
        chat = chat or self.private_chat(user)
        self.chats.setdefault(chat["id"], chat)
        counter = self._message_ids.setdefault(chat["id"], itertools.count(1000))
        msg = {"message_id": next(counter), "date": int(time.time()), "chat": chat, "from": user, **content}
        self.messages[(chat["id"], msg["message_id"])] = msg
        return msg

    def send_text(self, text: str, user: dict | None = None, chat: dict | None = None, reply_to: dict | None = None,
                  edited: bool = False) -> dict:
        user = user or self.user()
        content = {"text": text}
        entities = entities_for(text)
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        msg = self._message(user, chat, **content)
        if edited:
            msg["edit_date"] = int(time.time())
            return self.push({"edited_message": msg})
        return self.push({"message": msg})

    def send_content(self, kind: str, user: dict | None = None, chat: dict | None = None) -> dict:
        """A non-text message: sticker, photo, voice, document, location, …"""
        samples = {
            "sticker": {"sticker": {"file_id": "stk1", "file_unique_id": "stku1", "type": "regular", "width": 512,
                                    "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}},
            "photo": {"photo": [{"file_id": "ph1", "file_unique_id": "phu1", "width": 90, "height": 90}]},
            "voice": {"voice": {"file_id": "vc1", "file_unique_id": "vcu1", "duration": 3}},
            "document": {"document": {"file_id": "dc1", "file_unique_id": "dcu1", "file_name": "通知.pdf"}},
            "location": {"location": {"latitude": 37.36, "longitude": 120.39}},
        }
        return self.push({"message": self._message(user or self.user(), chat, **samples[kind])})

    def add_bot_to_group(self, chat: dict, by: dict | None = None) -> dict:
        return self.push({"message": self._message(by or self.user(), chat, new_chat_members=[self.bot])})

    def press(self, message: dict, data: str, user: dict | None = None) -> dict:
        """A user presses an inline button of a message the bot sent (message: the result dict)."""
        user = user or self.user()
        self.chats.setdefault(user["id"], self.private_chat(user))
        query = {"id": str(next(self._callback_ids)), "from": user, "chat_instance": "ci-1", "data": data,
                 "message": self.messages.get((message["chat"]["id"], message["message_id"]), message)}
        return self.push({"callback_query": query})

    def inline(self, query: str, user: dict | None = None) -> dict:
        user = user or self.user()
        return self.push({"inline_query": {"id": str(next(self._callback_ids)), "from": user, "query": query,
                                           "offset": "", "chat_type": "sender"}})

    # ---- observing -------------------------------------------------------------------------------

    def mark(self) -> int:
        with self.cond:
            return len(self.calls)

    def since(self, mark: int, method: str | None = None, chat_id=None) -> list[Call]:
        with self.cond:
            calls = list(self.calls[mark:])
        return [c for c in calls if (method is None or c.method == method)
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    async def wait(self, method: str, n: int = 1, after: int = 0, chat_id=None, timeout: float = 10.0,
                   where=None) -> list[Call]:
        """The first n calls of `method` (optionally to chat_id, matching where) after mark `after`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.since(after, method, chat_id) if where is None or where(c)]
            if len(found) >= n:
                return found[:n]
            if time.monotonic() > deadline:
                seen = [(c.method, c.error or c.text[:60]) for c in self.since(after)]
                raise AssertionError(f"timed out waiting for {n}× {method} (got {len(found)}); calls: {seen}")
            await asyncio.sleep(0.01)

    def wait_sync(self, method: str, n: int = 1, after: int = 0, timeout: float = 20.0, where=None) -> list[Call]:
        return asyncio.run(self.wait(method, n, after, timeout=timeout, where=where))


# ---- driving an in-process Application against the fake ----------------------------------------



class Harness:
    """A running Application (the real one, long polling) plus the fake server it talks to.

    say() sends one update and returns every call the bot made because of it: it waits until the
    bot's inbox marks the update handled, which happens once its reply has been sent. The inbox is
    read from the running Application's store, or for a `policybot serve` process from its database
    file (db).
    """

    def __init__(self, fake: FakeBotAPI, app, db=None):
        self.fake = fake
        self.app = app
        self.db = db

    @property
    def service(self):
        return self.app.bot_data["service"]

    def handled(self, update_id: int) -> bool:
        if self.app is not None:
            return self.service.store.is_handled(self.fake.bot["id"], update_id)
        import sqlite3
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as db:
            try:
                row = db.execute("SELECT done FROM inbox WHERE bot_id = ? AND update_id = ?",
                                 (self.fake.bot["id"], update_id)).fetchone()
            except sqlite3.OperationalError:  # not made yet
                return False
        return bool(row and row[0])

    async def drain(self, after: int, *update_ids: int, timeout: float = 15.0) -> list[Call]:
        """Every call since mark `after`, once all of update_ids are handled."""
        deadline = time.monotonic() + timeout
        while not all(self.handled(u) for u in update_ids):
            if time.monotonic() > deadline:
                raise AssertionError(f"updates {update_ids} not handled in {timeout} s; calls: "
                                     f"{[(c.method, c.error or c.text[:60]) for c in self.fake.since(after)]}")
            await asyncio.sleep(0.01)
        return [c for c in self.fake.since(after) if c.method != "getUpdates"]

    async def send(self, push, *args, **kwargs) -> list[Call]:
        mark = self.fake.mark()
        update = push(*args, **kwargs)
        return await self.drain(mark, update["update_id"])

    async def say(self, text: str, **kwargs) -> list[Call]:
        return await self.send(self.fake.send_text, text, **kwargs)

    async def press(self, message: dict, data: str, **kwargs) -> list[Call]:
        return await self.send(self.fake.press, message, data, **kwargs)

    @staticmethod
    def messages(calls: list[Call]) -> list[Call]:
        return [c for c in calls if c.method == "sendMessage"]


class running_bot:
    """async with running_bot(config_kwargs…) as harness: — the Application polling a fresh fake."""

    def __init__(self, engine=None, fake: FakeBotAPI | None = None, watch_interval: float = 0, **config):
        self.engine = engine
        self.fake = fake
        self.watch_interval = watch_interval
        self.config = config

    async def __aenter__(self) -> Harness:
        from telegram import Update

        from bot.app import build_application
        from bot.config import Config

        self.own_fake = self.fake is None
        self.fake = self.fake or FakeBotAPI().start()
        cfg = Config(token=self.fake.token, base_url=self.fake.base_url, **self.config)
        self.app = app = build_application(cfg, engine=self.engine, watch_interval=self.watch_interval)
        await app.initialize()
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=2, allowed_updates=Update.ALL_TYPES)
        await app.start()
        return Harness(self.fake, app)

    async def __aexit__(self, *exc):
        app = self.app
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
        if self.own_fake:
            self.fake.stop()
