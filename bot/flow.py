"""How updates flow through the bot: recorded on arrival, limited on arrival, one chat at a time.

    InboxQueue      the Application's update_queue: each update is written to the Store's inbox as it is
                    put here, before Telegram is told it arrived; a restart queues what a crash interrupted
    ChatProcessor   updates of one chat in order, chats side by side, so one busy group delays no one else;
                    an update refused on arrival (rate limit) is answered at once, out of its chat's turn
    SendLimiter     AIORateLimiter, except that the typing indicator does not spend a group's message budget

bot/app.py wires them; bot/handlers.py decides what is refused (arrival) and says so (gate).
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

from .store import Store

log = logging.getLogger(__name__)

MAX_CONCURRENT = 32  # updates of different chats handled at once (answers run in worker threads)


class InboxQueue(asyncio.Queue):
    """The Updater puts each fetched update here and only then acknowledges it to Telegram (the next
    getUpdates; in webhook mode, the 200). Recording it first means a crash loses nothing, and an
    update already recorded (sent again after a crash) is not queued a second time."""

    def __init__(self) -> None:
        super().__init__()
        self.store: Store | None = None  # set by open(); until then updates pass unrecorded
        self.bot_id = 0
        self._queued: set[int] = set()  # recorded, queued in this run, not handled yet

    def open(self, store: Store, bot_id: int) -> list[dict]:
        """Start recording; the bodies of the updates a crash interrupted, to queue again with resume()."""
        self.store, self.bot_id = store, bot_id
        return [json.loads(body) for body in store.unhandled(bot_id)]

    def resume(self, update: Update) -> None:
        self._queued.add(update.update_id)
        super().put_nowait(update)

    def put_nowait(self, item: Any) -> None:
        if isinstance(item, Update) and self.store is not None:
            if item.update_id in self._queued:
                return
            try:
                fresh = self.store.receive(self.bot_id, item.update_id, json.dumps(item.to_dict(), ensure_ascii=False))
            except Exception:  # noqa: BLE001 - a full disk must not stop the bot answering
                log.exception("could not record update %s in the inbox", item.update_id)
                fresh = True
            if not fresh:
                return
            self._queued.add(item.update_id)
        super().put_nowait(item)

    def handled(self, update: object) -> None:
        if isinstance(update, Update) and self.store is not None:
            self._queued.discard(update.update_id)
            try:
                self.store.handled(self.bot_id, update.update_id)
            except Exception:  # noqa: BLE001 - it is answered; at worst answered again after a crash
                log.exception("could not mark update %s handled", update.update_id)


def chat_key(update: object) -> object:
    """What orders updates: the chat; a user's inline queries apart from their chat (no order needed)."""
    if not isinstance(update, Update):
        return None
    if update.inline_query or update.chosen_inline_result:
        return ("inline", update.effective_user.id)
    if update.effective_chat:
        return update.effective_chat.id
    return ("user", update.effective_user.id) if update.effective_user else None


class ChatProcessor(BaseUpdateProcessor):
    """PTB's update processor, per chat: an update waits for its chat's previous ones, never for
    another chat's. Hooks set by bot/app.py:
        admit(update) -> bool   at arrival: False when refused (rate limit), answered out of turn
        handled(update)         after it was handled, its reply sent: the inbox marks it done
        stopping() -> bool      True once the bot stops: updates still waiting stay in the inbox
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT):
        super().__init__(max_concurrent_updates)
        self.admit: Callable[[object], bool] = lambda update: True
        self.handled: Callable[[object], None] = lambda update: None
        self.stopping: Callable[[], bool] = lambda: False
        self._turns: dict[object, tuple[asyncio.Lock, int]] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[override]
        # PTB marks this final; the chat's turn must come before a slot of the semaphore, or a group's
        # backlog would hold every slot while it waits for its turn
        if not self.admit(update):
            async with self._semaphore:
                await coroutine
            self.handled(update)
            return
        key = chat_key(update)
        lock, waiting = self._turns.get(key, (None, 0))
        lock = lock or asyncio.Lock()
        self._turns[key] = (lock, waiting + 1)
        try:
            async with lock:
                if self.stopping():
                    coroutine.close()  # type: ignore[attr-defined]
                    return
                async with self._semaphore:
                    await coroutine
                self.handled(update)
        finally:
            lock, waiting = self._turns[key]
            if waiting == 1:
                del self._turns[key]
            else:
                self._turns[key] = (lock, waiting - 1)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine  # unused: process_update does the work

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class SendLimiter(AIORateLimiter):
    """Telegram allows about 20 messages a minute in a group; 'typing…' is not a message, and letting it
    spend that budget halved a busy group's answers and delayed each by seconds."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[override]
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
