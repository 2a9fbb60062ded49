"""The one place that wires the Telegram Application: handlers, rate limiter, lifecycle hooks.

    run(config) -> int                    `policybot serve`: long polling, or a webhook server
    build_application(config) -> Application

The Service (engine + store) lives in bot_data["service"]; post_init loads it, registers the
command menus and schedules the corpus watcher on the JobQueue; post_shutdown closes the store.
Defaults send every text as HTML without link previews.
"""
from __future__ import annotations

import logging
import sys

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from retrieval.corpus import CorpusError

from . import handlers as h
from . import render as R
from .config import Config
from .corpus_watch import WATCH_INTERVAL
from .flow import ChatProcessor, InboxQueue, SendLimiter
from .service import Service
from .store import StoreError
from .webhook import run_webhook

log = logging.getLogger("policybot")


def file_url(base_url: str) -> str:
    """https://api.telegram.org/bot → https://api.telegram.org/file/bot (the same for a local server)."""
    if base_url.rstrip("/").endswith("/bot"):
        return base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    return base_url.rstrip("/") + "/file"


def build_application(config: Config, engine=None, store=None, watch_interval: float = WATCH_INTERVAL) -> Application:
    """engine/store: already loaded ones (tests share them); None: loaded in post_init from the config."""
    processor = ChatProcessor()
    app = (
        Application.builder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(file_url(config.base_url))
        .update_queue(InboxQueue())
        .concurrent_updates(processor)
        .rate_limiter(SendLimiter(max_retries=2))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    svc = app.bot_data["service"] = Service(config, engine=engine, store=store, watch_interval=watch_interval)
    # read when an update arrives, after initialize() has asked Telegram who the bot is
    processor.admit = lambda update: h.arrival(svc, update, app.bot.id, app.bot.username)
    processor.handled = app.update_queue.handled
    processor.stopping = lambda: not app.running
    app.add_handler(TypeHandler(Update, h.gate), group=-1)

    new = filters.UpdateType.MESSAGE  # edited messages and channel posts are left alone
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    for name, callback in [("start", h.start), ("help", h.help_command), ("city", h.city), ("role", h.role),
                           ("article", h.article), ("docs", h.docs), ("outline", h.outline), ("duties", h.duties),
                           ("compare", h.compare), ("quiz", h.quiz), ("stats", h.stats)]:
        app.add_handler(CommandHandler(name, callback, filters=new))
    # a reload can take a while on a large corpus: only the admin's chat waits for it (ChatProcessor)
    app.add_handler(CommandHandler("reload", h.reload_command, filters=new))
    app.add_handler(MessageHandler(new & filters.COMMAND, h.unknown_command))
    app.add_handler(MessageHandler(new & private & filters.TEXT, h.private_text))
    app.add_handler(MessageHandler(new & groups & filters.TEXT & (filters.REPLY | filters.Entity("mention")),
                                   h.group_text))
    app.add_handler(MessageHandler(new & groups & filters.StatusUpdate.NEW_CHAT_MEMBERS, h.added_to_group))
    app.add_handler(MessageHandler(new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, h.non_text))
    app.add_handler(CallbackQueryHandler(h.article_button, pattern=r"^art:"))
    app.add_handler(CallbackQueryHandler(h.feedback_button, pattern=r"^fbr?:"))
    app.add_handler(CallbackQueryHandler(h.city_button, pattern=r"^city:"))
    app.add_handler(CallbackQueryHandler(h.role_button, pattern=r"^role:"))
    app.add_handler(CallbackQueryHandler(h.quiz_button, pattern=r"^quiz:"))
    app.add_handler(CallbackQueryHandler(h.round_button, pattern=r"^grp"))
    app.add_handler(CallbackQueryHandler(h.stale_button))
    app.add_handler(InlineQueryHandler(h.inline_query))
    app.add_handler(ChosenInlineResultHandler(h.inline_chosen))
    app.add_error_handler(h.on_error)
    return app


async def post_init(app: Application) -> None:
    svc: Service = app.bot_data["service"]
    await svc.initialize()
    resume(app, svc)
    await set_commands(app, svc)
    if svc.watch_interval > 0:
        app.job_queue.run_repeating(watch_corpus, interval=svc.watch_interval, first=svc.watch_interval,
                                    name="corpus-watch")


def resume(app: Application, svc: Service) -> None:
    """Start recording updates in the inbox and queue again those a crash left unanswered."""
    queue: InboxQueue = app.update_queue
    bodies = queue.open(svc.store, app.bot.id)
    for body in bodies:
        try:
            queue.resume(Update.de_json(body, app.bot))
        except Exception:  # noqa: BLE001 - one unreadable record must not keep the bot from starting
            log.exception("inbox: cannot read update %s again", body.get("update_id"))
    if bodies:
        log.info("inbox: answering %d update(s) a stop or crash interrupted", len(bodies))


async def watch_corpus(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A JobQueue tick: reload a changed corpus and tell the admins how it went. A failure is
    logged by the error handler and the next tick runs as usual."""
    outcome = await context.bot_data["service"].corpus.check()
    if outcome:
        ok, message = outcome
        await notify_admins(context.application, ("📚 文件有更新，" if ok else "⚠️ 发现文件有改动，但") + message)


async def set_commands(app: Application, svc: Service) -> None:
    """The command menus: all commands in private chats, the group ones in groups, admin ones for admins."""
    bot = app.bot
    commands = R.commands(svc.examples)
    private = [BotCommand(c, d) for c, d in [("start", "开始 / 欢迎")] + commands]
    await bot.set_my_commands(private)
    await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands([BotCommand(c, d) for c, d in commands if c in R.GROUP_COMMANDS],
                              scope=BotCommandScopeAllGroupChats())
    for admin in svc.config.admins:
        try:
            await bot.set_my_commands(private + [BotCommand(c, d) for c, d in R.ADMIN_HELP],
                                      scope=BotCommandScopeChat(admin))
        except TelegramError as exc:  # the admin has not talked to the bot yet
            log.info("admin commands not set for %s: %s", admin, exc)


async def notify_admins(app: Application, text: str) -> None:
    for admin in app.bot_data["service"].config.admins:
        try:
            await app.bot.send_message(admin, R.esc(text))
        except TelegramError as exc:
            log.warning("could not notify admin %s: %s", admin, exc)


async def post_shutdown(app: Application) -> None:
    await app.bot_data["service"].shutdown()


class _QuietBootstrap(logging.Filter):
    """PTB logs a full traceback when startup fails; run() reports those failures in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Bootstrap Initialize" not in record.getMessage()


def run(config: Config) -> int:
    """`policybot serve` (cli/main.py has checked that a token is set): errors a user can fix are one
    line on stderr and exit status 2."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram.ext").addFilter(_QuietBootstrap())
    app = build_application(config)
    try:
        if config.webhook:
            run_webhook(app, config.webhook)
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("policybot: Telegram rejected the bot token: check telegram.token or POLICYBOT_TOKEN", file=sys.stderr)
        return 2
    except (CorpusError, StoreError) as exc:
        print(f"policybot: {exc}", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"policybot: cannot reach the Bot API at {config.base_url}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. the webhook port is taken
        print(f"policybot: {exc}", file=sys.stderr)
        return 1
    return 0
