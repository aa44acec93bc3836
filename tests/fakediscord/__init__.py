"""A fake Discord (REST, gateway, CDN) on 127.0.0.1 to run the real discord.py client in tests."""

from .fake import FakeDiscord, InteractionHandle, Upload
from .recording import EPHEMERAL, Sent, SentFile

__all__ = ["EPHEMERAL", "FakeDiscord", "InteractionHandle", "Sent", "SentFile", "Upload"]
