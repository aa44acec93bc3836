"""What the client sent to the fake, kept in order, and a way to await the next matching record."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

EPHEMERAL = 1 << 6


@dataclass(frozen=True)
class SentFile:
    field: str  # multipart field name, e.g. "files[0]"
    filename: str
    content: bytes
    content_type: str


@dataclass
class Sent:
    """One REST call of the client that carries a message or an interaction response.

    kind: "callback" (interactions/{id}/{token}/callback), "followup" (POST webhooks/{app}/{token}),
    "edit_original" (PATCH .../messages/@original), "edit_followup", "channel_message"
    (POST channels/{id}/messages), "edit_message" (PATCH channels/{id}/messages/{id}),
    "late_callback" (a first response after Discord's 3 s: refused with 404 Unknown interaction).
    """

    kind: str
    method: str
    path: str
    body: dict[str, Any]  # the JSON body, or payload_json of a multipart body
    files: list[SentFile] = field(default_factory=list)
    interaction_id: int | None = None
    channel_id: int | None = None
    callback_type: int | None = None  # for kind == "callback"
    message: dict[str, Any] | None = None  # the message object the fake created or edited, if any

    @property
    def data(self) -> dict[str, Any]:
        """The message part: body["data"] for a callback, the body itself otherwise."""
        if self.kind == "callback":
            return self.body.get("data") or {}
        return self.body

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components") or []

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.data.get("allowed_mentions")

    @property
    def reference(self) -> dict[str, Any] | None:
        return self.data.get("message_reference")

    def replies_to(self, message: dict[str, Any] | int | str) -> bool:
        """Whether this is a message replying to (message_reference) that message."""
        message_id = str(message["id"] if isinstance(message, dict) else message)
        return self.reference is not None and str(self.reference.get("message_id")) == message_id

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (callback type 8)."""
        return self.data.get("choices") or []

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.components for c in row.get("components", []) if c.get("type") == 2]

    def summary(self) -> str:
        """One short line for failure messages."""
        what = f"type {self.callback_type}" if self.kind == "callback" else self.kind
        text = self.text().replace("\n", " ")
        return f"<{what} {self.method} {self.path} {text[:80]!r}{' ephemeral' if self.ephemeral else ''}>"

    def text(self) -> str:
        """Everything a person reads: content plus embed titles, descriptions, fields and footers."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for f in embed.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


class Recorder:
    """An append-only list of records with an awaitable 'next record matching' query."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._changed = asyncio.Condition()

    async def add(self, item: Any) -> None:
        async with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    async def wait_for(
        self, predicate: Callable[[Any], bool], *, timeout: float = 10.0, start: int = 0, what: str = "record"
    ) -> Any:
        """The first record at index >= start matching predicate, waiting up to timeout seconds."""

        def find() -> Any:
            for item in self.items[start:]:
                if predicate(item):
                    return item
            return None

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: find() is not None), timeout)
            except TimeoutError:
                recent = [getattr(i, "summary", lambda i=i: repr(i)[:200])() for i in self.items[start:][-8:]]
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; last records: {recent}"
                ) from None
            return find()
