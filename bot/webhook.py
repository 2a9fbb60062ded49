"""Webhook mode: our own small tornado server in place of the one Application.run_webhook starts.

PTB's handler reads the whole body (tornado allows 100 MB) before it looks at the secret, so anyone
who finds the URL can make the bot hold 100 MB per request. Here the secret and the declared size are
checked when the headers arrive, the body is capped while it streams in, and the update goes to the
Application's update_queue (the inbox records it) before Telegram gets its 200.

    run_webhook(app, webhook)   blocks until SIGINT/SIGTERM, like Application.run_webhook
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import signal
from http import HTTPStatus

import tornado.httpserver
import tornado.web
from telegram import Update

from .config import Webhook

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # an update is a few KB; Telegram's largest are well under this
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, app, secret: str) -> None:
        self.app = app
        self.secret = secret
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        """Before any of the body is read: the secret, then the size it says it has."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY:  # chunked bodies say no length up front
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            update = Update.de_json(json.loads(b"".join(self.chunks)), self.app.bot)
        except Exception:  # noqa: BLE001 - whatever was posted, it is not an update
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        if update is not None:
            await self.app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, typ, value, tb) -> None:  # refusals are routine: no tracebacks in the log
        log.debug("webhook: %s refused: %s", self.request.remote_ip, value)


def secret_for(webhook: Webhook) -> str:
    """The configured secret, or one made for this run: Telegram sends back whatever set_webhook gave
    it, so a random one keeps forged updates out without any setup."""
    if webhook.secret_token:
        return webhook.secret_token
    log.warning("telegram.webhook.secret_token is not set: using a random secret for this run, so that "
                "only Telegram can post updates (set one to keep it the same across restarts)")
    return secrets.token_urlsafe(32)


def run_webhook(app, webhook: Webhook) -> None:
    asyncio.run(_serve(app, webhook))


async def _serve(app, webhook: Webhook) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    secret = secret_for(webhook)
    path = "/" + webhook.url_path.strip("/")
    routes = tornado.web.Application([(path.rstrip("/") or "/", _UpdateHandler, {"app": app, "secret": secret})])
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        server = tornado.httpserver.HTTPServer(routes, max_body_size=MAX_BODY)
        server.listen(webhook.port, webhook.listen)
        try:
            await app.bot.set_webhook(webhook.url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
            await app.start()
            await stop.wait()
            await app.stop()
        finally:
            server.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
