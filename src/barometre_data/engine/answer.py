"""What the engine returns, and the conversation state it reads and updates."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Answer:
    text: str  # what a person reads, in the language of the question
    found: bool  # True only when answered from the data
    intent: str  # e.g. "laureate", "score", "series", "method", "help", "clarify", "unknown"
    confidence: float = 0.0  # 0..1
    entities: dict[str, Any] = field(default_factory=dict)  # what was recognised (category, channel...)
    year: int | None = None  # the edition the answer is about
    suggestions: list[str] = field(default_factory=list)  # clarification choices or close matches
    sources: list[str] = field(default_factory=list)  # URLs
    lang: str = "fr"
    series: list[tuple[int, float]] = field(default_factory=list)  # (year, value) for charts

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {"answer": data.pop("text"), **data}


@dataclass
class ConversationState:
    """What a conversation remembers between questions; it expires after `ttl` seconds idle."""

    intent: str | None = None
    entities: dict[str, Any] = field(default_factory=dict)
    year: int | None = None
    lang: str | None = None
    pending: list[str] = field(default_factory=list)  # suggestions of a clarification question
    thread: bool = False  # the last question was a follow-up: the conversation is a thread on its year
    updated: float = 0.0
    ttl: float = 900.0

    def expired(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        return self.updated > 0 and now - self.updated > self.ttl

    def reset(self) -> None:
        self.intent, self.entities, self.year, self.lang, self.pending = None, {}, None, None, []
        self.thread = False
        self.updated = 0.0


class Conversations:
    """Conversation states by key (e.g. (channel id, user id)); the one owner of that mutable state.

    Kept in the order they were last used: a look-up forgets the conversations idle for longer than
    `ttl` from the front, and the least recently used beyond `max_size`. Each costs the same whether
    10 or 100,000 conversations are held (no scan)."""

    def __init__(self, ttl: float = 900.0, max_size: int = 10_000) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._states: OrderedDict[Any, tuple[float, ConversationState]] = OrderedDict()  # key -> (last used, state)

    def __len__(self) -> int:
        return len(self._states)

    def get(self, key: Any, now: float | None = None) -> ConversationState:
        now = time.monotonic() if now is None else now
        self._forget_idle(now)
        held = self._states.get(key)
        state = held[1] if held is not None and not held[1].expired(now) else ConversationState(ttl=self.ttl)
        self._states[key] = (now, state)
        self._states.move_to_end(key)
        while len(self._states) > self.max_size:
            self._states.popitem(last=False)
        return state

    def _forget_idle(self, now: float) -> None:
        while self._states:
            used, state = next(iter(self._states.values()))
            if now - max(used, state.updated) <= self.ttl:
                return
            self._states.popitem(last=False)
