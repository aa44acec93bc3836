"""Who may run admin commands: the ids in BOT_ADMIN_IDS, or members who can manage the server.
Checked by the bot on every call (server side): the client's view of permissions is never trusted."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


class NotBotAdmin(app_commands.CheckFailure):
    """The user is neither in BOT_ADMIN_IDS nor allowed to manage the server."""


def is_bot_admin(user_id: int, permissions: discord.Permissions | None, admin_ids: Collection[int]) -> bool:
    if user_id in admin_ids:
        return True
    return permissions is not None and (permissions.manage_guild or permissions.administrator)


def interaction_is_admin(interaction: discord.Interaction) -> bool:
    """From the interaction itself: Discord computes the member's permissions in that channel."""
    config = getattr(interaction.client, "config", None)
    admin_ids = config.admin_ids if config is not None else ()
    permissions = interaction.permissions if interaction.guild_id is not None else None
    return is_bot_admin(interaction.user.id, permissions, admin_ids)


def admin_only() -> Callable[[T], T]:
    """An app command check: refuses with NotBotAdmin (shown to the user by the error handler)."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if not interaction_is_admin(interaction):
            raise NotBotAdmin()
        return True

    return app_commands.check(predicate)
