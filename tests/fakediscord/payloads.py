"""Discord API payload builders (the JSON shapes discord.py parses), kept apart from the server."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits the fake uses (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
)


class Snowflakes:
    """Increasing snowflake ids whose timestamp part is now (so discord.py's created_at is sane)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        millis = int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (next(self._counter) & 0xFFF)


def iso_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


@dataclass
class FakeUser:
    id: int
    name: str
    bot: bool = False
    roles: list[int] = field(default_factory=list)
    permissions: int = MEMBER_PERMISSIONS  # what the member may do in the guild (interaction payloads)

    def user(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name.title(),
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    def member(self, *, with_user: bool = True, with_permissions: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": None,
            "avatar": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": iso_now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }
        if with_user:
            data["user"] = self.user()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


def role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: int, guild_id: int, name: str, position: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "flags": 0,
    }


def guild(
    guild_id: int,
    name: str,
    owner_id: int,
    roles: list[dict[str, Any]],
    channels: list[dict[str, Any]],
    members: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "fr",
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": roles,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "application_id": None,
        # GUILD_CREATE extras
        "joined_at": iso_now(),
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "members": members,
        "channels": channels,
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message(
    *,
    message_id: int,
    channel_id: int,
    guild_id: int | None,
    author: FakeUser,
    content: str,
    mentions: list[FakeUser] = (),  # type: ignore[assignment]
    mention_everyone: bool = False,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    flags: int = 0,
    reference: dict[str, Any] | None = None,
    webhook_id: int | None = None,
    interaction_id: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author.user(),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": [{**u.user(), "member": u.member(with_user=False)} for u in mentions],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
        data["member"] = author.member(with_user=False)
    if reference:
        data["message_reference"] = reference
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if interaction_id is not None:
        data["interaction_metadata"] = {
            "id": str(interaction_id),
            "type": 2,
            "user": author.user(),
            "authorizing_integration_owners": {},
        }
    return data


def attachment(attachment_id: int, filename: str, size: int, url: str, content_type: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
    }
    if content_type:
        data["content_type"] = content_type
    return data
