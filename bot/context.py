"""What the feature services (documents, trainers, quiz) need of the bot's Service, as a Protocol: they
take the Service without importing it, so bot/service.py alone wires them together."""
from __future__ import annotations

from typing import Protocol

from retrieval.engine import Engine
from retrieval.examples import Examples
from retrieval.models import Document

from .store import Store


class ServiceContext(Protocol):
    store: Store

    @property
    def engine(self) -> Engine: ...

    @property
    def examples(self) -> Examples: ...

    def is_admin(self, user_id) -> bool: ...

    def user_doc(self, user_id: str) -> Document | None: ...

    def deep_link(self, bot_username: str | None, payload: str) -> str | None: ...

    def role_examples(self) -> list[str]: ...
