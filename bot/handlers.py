"""Telegram callbacks: each turns an update into one call of bot.service.Service and sends the Reply.

Module-level async callbacks, as in python-telegram-bot's examples; bot/app.py wires them.
Nothing here decides what to say — that is Service and render — only where and how to send it.
"""
from __future__ import annotations

import asyncio
import logging
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputFile,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageEntityType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from . import render as R
from .documents import STALE
from .quiz import STOP_WORDS
from .render import Block, Reply
from .service import Service

log = logging.getLogger(__name__)


def service(context: ContextTypes.DEFAULT_TYPE) -> Service:
    return context.bot_data["service"]


def uid(update: Update) -> str:
    return str(update.effective_user.id) if update.effective_user else "0"


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
                                 for row in reply.buttons])


def is_group(update: Update) -> bool:
    return bool(update.effective_chat and update.effective_chat.type in (ChatType.GROUP, ChatType.SUPERGROUP))


async def send(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply, chat_id: int | None = None) -> Message | None:
    """Send a Reply's messages (buttons under the last); in groups, as a reply to the asker's message.
    Parse mode (HTML) and link previews (off) are the Application's Defaults."""
    message = update.effective_message
    chat_id = chat_id if chat_id is not None else update.effective_chat.id
    kwargs = {}
    if message is not None and is_group(update) and message.chat_id == chat_id and not update.callback_query:
        kwargs["reply_parameters"] = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    if message is not None and message.is_topic_message and message.chat_id == chat_id:
        kwargs["message_thread_id"] = message.message_thread_id
    sent = None
    for i, text in enumerate(reply.texts):
        last = i == len(reply.texts) - 1
        sent = await context.bot.send_message(chat_id, text, reply_markup=keyboard(reply) if last else None, **kwargs)
        kwargs.pop("reply_parameters", None)
    for name, content, caption in reply.files:
        await context.bot.send_document(chat_id, InputFile(content, filename=name), caption=caption or None,
                                        **{k: v for k, v in kwargs.items() if k == "message_thread_id"})
    return sent


async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Replace the message a button sits on (first text), sending any further texts after it."""
    query = update.callback_query
    try:
        await query.edit_message_text(reply.texts[0], reply_markup=keyboard(reply) if len(reply.texts) == 1 else None)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    if len(reply.texts) > 1:
        await send(update, context, Reply(reply.texts[1:], reply.buttons))


def name_of(update: Update) -> str:
    user = update.effective_user
    return (user.full_name or user.username or "你") if user else "你"


# ---- arrival: rate limits as updates arrive -------------------------------------------------

def kind_of(update: Update, bot_id: int, bot_username: str | None) -> str | None:
    """What an update costs against its sender's limits (bot/service.py Limits): 'question', 'action'
    (a command or a button), 'inline', or None (not addressed to the bot: group chatter, edits…)."""
    if update.callback_query:
        return "action"
    if update.inline_query:
        return "inline"
    message = update.message
    if message is None or message.from_user is None:
        return None
    text = message.text or ""
    command = text.startswith("/")
    if message.chat.type == ChatType.PRIVATE:
        return "action" if command else "question"
    if command:  # /cmd or /cmd@us; /cmd@otherbot is not ours
        head = text.split()[0]
        return "action" if "@" not in head or head.lower().endswith("@" + (bot_username or "").lower()) else None
    return "question" if replies_to_bot(message, bot_id) or mentions_bot(message, bot_username) else None


def replies_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def mentions_bot(message: Message, bot_username: str | None) -> bool:
    me = "@" + (bot_username or "").lower()
    return bool(bot_username) and any(message.parse_entity(e).lower() == me for e in message.entities
                                      if e.type == MessageEntityType.MENTION)


def arrival(svc: Service, update: object, bot_id: int, bot_username: str | None) -> bool:
    """Called by the update processor the moment an update arrives, before it waits for its chat's
    turn: False when the sender is over a limit (the gate then says so, once, or drops it)."""
    if not isinstance(update, Update) or not update.effective_user:
        return True
    kind = kind_of(update, bot_id, bot_username)
    if kind is None:
        return True
    verdict = svc.limits.check(uid(update), kind)
    if verdict == "ok":
        return True
    svc.refused[update.update_id] = verdict
    return False


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """First handler of every update (group -1): one refused on arrival ends here."""
    svc = service(context)
    verdict = svc.refused.pop(update.update_id, None)
    if verdict is None:
        return
    slow = f"你问得有点快 🙂 我每分钟最多回答{svc.config.rate_limit_per_minute}个问题，请过一会儿再问。"
    if update.callback_query:  # answered either way, or the button spins until Telegram gives up
        await update.callback_query.answer("点得太快了，请稍等一会儿。" if verdict == "warn" else None)
    elif update.inline_query:
        await update.inline_query.answer([], cache_time=5, is_personal=True,
                                         button=InlineQueryResultsButton("问得太快了，请稍等一会儿", start_parameter="help"))
    elif verdict == "warn" and update.effective_chat:
        await send(update, context, R.reply(Block(slow)))
    raise ApplicationHandlerStop


# ---- commands --------------------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = context.args[0] if context.args else None
    await send(update, context, service(context).start(uid(update), name_of(update), payload))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).help(uid(update)))


async def city(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).city_command(uid(update), context.args))


async def role(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).role_command(uid(update), context.args))


async def article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).documents.article_command(uid(update), context.args))


async def docs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).documents.docs(context.args))


async def outline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).documents.outline(uid(update), context.args, context.bot.username))


async def duties(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).trainers.duties(uid(update), context.args))


async def compare(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, service(context).trainers.compare(uid(update), context.args))


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    if not is_group(update):
        await send(update, context, svc.quiz.next(uid(update), context.args))
        return
    chat_id = str(update.effective_chat.id)
    current = svc.store.open_round(chat_id)
    if current and context.args and context.args[0].lower() in STOP_WORDS:
        revealed, board, notice = svc.quiz.round_end(current.id, uid(update))
        for r in (revealed, board):
            if r:
                await send(update, context, r)
        if notice:
            await send(update, context, R.reply(Block(notice)))
        return
    await send(update, context, svc.quiz.round_start(chat_id, uid(update), context.args))


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    if not svc.is_admin(uid(update)):
        await refuse(update, context)
        return
    await send(update, context, R.reply(Block("正在重新加载文件…")))
    ok, message = await svc.corpus.reload()
    await send(update, context, R.reply(Block(("✅ " if ok else "⚠️ ") + message)))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    if not svc.is_admin(uid(update)):
        await refuse(update, context)
        return
    await send(update, context, svc.stats(in_group=is_group(update)))


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, R.reply(Block(f"抱歉，这个命令只有管理员可以使用（你的 Telegram 用户 id 是 {uid(update)}）。"
                                              "/help 查看你可以用的命令。")))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    command = (message.text or "").split()[0] if message.text else ""
    if is_group(update):
        # in a group, a bare /foo may be meant for another bot: answer only what is addressed to us
        if not command.lower().endswith("@" + (context.bot.username or "").lower()):
            return
    await send(update, context, R.reply(Block(f"没有“{R.clip(command.split('@')[0], 30)}”这个命令。"
                                              "/help 查看可用的命令，或者直接用文字提问。")))


# ---- questions -------------------------------------------------------------------------------

def answered_question_id(message: Message | None) -> int | None:
    """The question id behind one of the bot's answers (its feedback button), if it is one."""
    markup = message.reply_markup if message is not None else None
    for row in (markup.inline_keyboard if markup else ()):
        for button in row:
            m = re.fullmatch(r"fbr?:(\d+):\d", button.callback_data or "")
            if m:
                return int(m.group(1))
    return None


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    svc = service(context)
    user = uid(update)
    message = update.effective_message
    try:  # a courtesy: the answer matters, the indicator does not
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING,
                                           message_thread_id=message.message_thread_id if message.is_topic_message else None)
    except TelegramError:
        pass
    follow_up_of = answered_question_id(message.reply_to_message) if replies_to_bot(message, context.bot.id) else None
    reply = await asyncio.to_thread(svc.ask, user, str(update.effective_chat.id), text,
                                    "group" if is_group(update) else "chat", follow_up_of)
    await send(update, context, reply)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_question(update, context, update.effective_message.text)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: answer replies to the bot and messages that @mention it; stay out of other chatter."""
    message = update.effective_message
    me = context.bot.username or ""
    text = message.text
    mentioned = mentions_bot(message, me)
    if not (mentioned or replies_to_bot(message, context.bot.id)):
        return
    if mentioned:
        text = re.sub(rf"@{re.escape(me)}\b", " ", text, flags=re.IGNORECASE).strip()
    if not text:
        await send(update, context, R.reply(Block("在呢！@我 加上问题，或者回复我的消息提问。")))
        return
    await answer_question(update, context, text)


NON_TEXT = [
    ("sticker", "😊 收到贴纸！不过我只看得懂文字问题{example}"),
    ("photo", "我还看不懂图片 📷，请把问题用文字发给我。"),
    ("document", "我还读不了发来的文件 📎，请把问题用文字发给我。新文件请管理员收录进文件库。"),
    ("voice", "我还听不了语音 🎙️，请用文字提问。"),
    ("audio", "我还听不了音频 🎧，请用文字提问。"),
    ("video", "我还看不了视频 🎬，请用文字提问。"),
    ("video_note", "我还看不了视频消息，请用文字提问。"),
    ("animation", "😄 动图收到！有问题请用文字发给我。"),
    ("location", "收到位置 📍。想按城市回答的话，用 /city 设置你的城市。"),
    ("contact", "收到名片。我只能回答政策文件里的问题，请用文字提问。"),
    ("poll", "我不参加投票 🙂 有问题请用文字提问。"),
]


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chats only (wired so): a short, friendly pointer back to text questions."""
    message = update.effective_message
    text = next((t for attr, t in NON_TEXT if getattr(message, attr, None)), None)
    if text is not None:
        example = service(context).example()
        text = text.format(example=f"，比如“{example}”" if example else "。")
    elif message.dice or message.game:
        text = "🎲 玩得开心！有政策问题随时用文字问我。"
    else:
        text = "这种消息我还看不懂，请用文字提问。/help 查看用法。"
    await send(update, context, R.reply(Block(text)))


async def added_to_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    members = update.effective_message.new_chat_members or []
    if any(m.id == context.bot.id for m in members):
        await send(update, context, R.reply(Block(
            "大家好！我是 PolicyBot。在群里用命令、回复我的消息或 @我 提问，我会给出文件条款的原文；"
            "培训时可以用 /quiz 发起一轮集体测验。/help 查看全部用法。")))


# ---- buttons ---------------------------------------------------------------------------------

async def article_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    reply = service(context).documents.article_reply(query.data.split(":", 1)[1])
    if reply is None:
        await query.answer(STALE, show_alert=True)
        return
    await query.answer()
    await send(update, context, reply, chat_id=chat_of(update))


def chat_of(update: Update) -> int:
    query = update.callback_query
    if query and query.message is not None:
        return query.message.chat.id
    return update.effective_user.id


async def feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎 under an answer (fb:QID:1|0); a 👎 puts the reasons in their place (fbr:QID:K), and the
    reason chosen puts 👍/👎 back, the 👎 saying it."""
    query = update.callback_query
    svc = service(context)
    m = re.fullmatch(r"fb:(\d+):([01])", query.data)
    r = re.fullmatch(r"fbr:(\d+):(\d)", query.data)
    chat = query.message.chat.id if query.message is not None else None
    if m:
        notice, row = svc.feedback(int(m.group(1)), uid(update), m.group(2) == "1", chat)
    elif r:
        notice, row = svc.feedback_reason(int(r.group(1)), uid(update), int(r.group(2)), chat)
    else:
        await query.answer("这个按钮已失效。")
        return
    await query.answer(notice)
    if row is not None and query.message is not None:
        await _swap_feedback_row(query, row)


async def _swap_feedback_row(query, row) -> None:
    """The answer's buttons with the feedback row (👍/👎 or the reasons) replaced by another."""
    old = query.message.reply_markup.inline_keyboard if query.message.reply_markup else ()
    rows = [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] if
            any(re.match(r"fbr?:", x.callback_data or "") for x in line) else list(line) for line in old]
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest:  # the message is too old to edit, or unchanged: the vote is recorded all the same
        pass


async def role_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    reply = service(context).role_button(uid(update), query.data.split(":", 1)[1])
    if reply is None:
        await query.answer("这个身份已不在文件里了，发送 /role 重新选择。")
        return
    await query.answer()
    await send(update, context, reply, chat_id=chat_of(update))


async def city_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    reply = service(context).set_city(uid(update), query.data.split(":", 1)[1])
    await query.answer()
    await send(update, context, reply, chat_id=chat_of(update))


async def quiz_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    svc = service(context)
    if query.data == "quiz:next":
        await query.answer()
        try:  # the finished question keeps its text; only its "next" button goes
            await query.edit_message_reply_markup(None)
        except BadRequest:
            pass
        await send(update, context, svc.quiz.next(uid(update)), chat_id=chat_of(update))
        return
    m = re.fullmatch(r"quiz:([0-9a-f]{10}):(\d)", query.data)
    if not m:
        await query.answer("这个按钮已失效，发送 /quiz 再来一题。")
        return
    reply, notice = svc.quiz.answer(uid(update), m.group(1), int(m.group(2)))
    await query.answer(notice)
    if reply is not None:
        await edit(update, context, reply)


async def round_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    svc = service(context)
    m = re.fullmatch(r"grp:(\d+):(\d+):(\d)", query.data)
    n = re.fullmatch(r"grp(next|end):(\d+)(?::(\d+))?", query.data)
    rnd = svc.store.round(int(m.group(1) if m else n.group(2))) if m or n else None
    if rnd is None or query.message is None or rnd.chat_id != str(query.message.chat.id):
        await query.answer("这个按钮已失效。")  # a round is played in its own group only (data can be forged)
        return
    if m:
        notice = svc.quiz.round_answer(rnd.id, int(m.group(2)), uid(update), name_of(update), int(m.group(3)))
        await query.answer(notice)
        return
    if n.group(1) == "next":
        revealed, following, notice = svc.quiz.round_next(rnd.id, int(n.group(3) or -1), uid(update))
    else:
        revealed, following, notice = svc.quiz.round_end(rnd.id, uid(update))
    await query.answer(notice or None)
    if revealed:
        await edit(update, context, revealed)
    if following:
        await send(update, context, following, chat_id=chat_of(update))


# ---- inline mode -----------------------------------------------------------------------------

async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    svc = service(context)
    text = query.query.strip()
    if not text:
        example = svc.example()
        prompt = R.clip(f"输入问题，比如：{example}", 64) if example else "输入一个问题"
        await query.answer([], cache_time=60, is_personal=True,
                           button=InlineQueryResultsButton(prompt, start_parameter="help"))
        return
    items = await asyncio.to_thread(svc.inline, uid(update), text)
    results = [InlineQueryResultArticle(
        id=item.id, title=item.title, description=item.description,
        input_message_content=InputTextMessageContent(item.text)) for item in items]
    button = None if results else InlineQueryResultsButton("没有找到相关条款，私聊我换个说法问", start_parameter="help")
    await query.answer(results, cache_time=10, is_personal=True, button=button)


async def inline_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chosen = update.chosen_inline_result
    service(context).inline_chosen(uid(update), chosen.query, chosen.result_id)


# ---- errors ----------------------------------------------------------------------------------

async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with the update that caused it; tell the user briefly (never a traceback)."""
    log.error("error while handling an update: %r", update, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    try:
        if update.callback_query:
            await update.callback_query.answer("抱歉，出了点问题，请稍后再试。")
        elif update.inline_query:
            pass  # an inline query that failed simply shows no results
        elif update.effective_chat:
            await context.bot.send_message(update.effective_chat.id,
                                           "抱歉，刚才处理你的消息时出了点问题，已经记录下来。请稍后再试，或者换个说法。")
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons from an older version of the bot (or forged data): say so instead of spinning forever."""
    await update.callback_query.answer("这个按钮已失效，请重新提问或发送 /help。")
