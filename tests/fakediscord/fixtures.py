"""pytest fixtures for the fake Discord; test modules import them by name."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .fake import FakeDiscord


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A started fake Discord, with discord.py's REST base and gateway URL pointing at it."""
    fake = await FakeDiscord().start()
    fake.patch_discord(monkeypatch)
    try:
        yield fake
    finally:
        await fake.close()
