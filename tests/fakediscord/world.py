"""The fixed world the fake serves: an application, its bot user and owner, one guild with channels,
roles and members. Ids are snowflakes made at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import payloads as p


@dataclass
class World:
    ids: p.Snowflakes
    app_id: int
    bot: p.FakeUser
    owner: p.FakeUser  # owns the application (commands.Bot.is_owner)
    admin: p.FakeUser  # has the "Gestion" role (Manage Server)
    member: p.FakeUser  # a plain member
    other_bot: p.FakeUser  # another bot on the server
    guild_id: int
    admin_role_id: int
    general_id: int  # a text channel the bot does not watch unless configured
    questions_id: int  # a text channel meant for BOT_CHANNEL_IDS
    dm_id: int  # the direct-message channel between the bot and `member`
    users: dict[int, p.FakeUser] = field(default_factory=dict)

    @classmethod
    def create(cls) -> World:
        ids = p.Snowflakes()
        guild_id = ids.next()
        admin_role_id = ids.next()
        world = cls(
            ids=ids,
            app_id=ids.next(),
            bot=p.FakeUser(ids.next(), "barometre", bot=True),
            owner=p.FakeUser(ids.next(), "owner"),
            admin=p.FakeUser(ids.next(), "admin", roles=[admin_role_id],
                             permissions=p.MEMBER_PERMISSIONS | p.MANAGE_GUILD),
            member=p.FakeUser(ids.next(), "alice"),
            other_bot=p.FakeUser(ids.next(), "otherbot", bot=True),
            guild_id=guild_id,
            admin_role_id=admin_role_id,
            general_id=ids.next(),
            questions_id=ids.next(),
            dm_id=ids.next(),
        )
        for user in (world.bot, world.owner, world.admin, world.member, world.other_bot):
            world.users[user.id] = user
        return world

    def add_user(self, name: str, *, permissions: int = p.MEMBER_PERMISSIONS, bot: bool = False) -> p.FakeUser:
        user = p.FakeUser(self.ids.next(), name, bot=bot, permissions=permissions)
        self.users[user.id] = user
        return user

    # -- payloads -------------------------------------------------------------------------------
    def user_me(self) -> dict[str, Any]:
        return {**self.bot.user(), "verified": True, "mfa_enabled": False, "flags": 0, "bot": True}

    def application(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "Barometre",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.user(),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
            "rpc_origins": [],
            "bot": self.bot.user(),
        }

    def channels(self) -> list[dict[str, Any]]:
        return [
            p.text_channel(self.general_id, self.guild_id, "general", 0),
            p.text_channel(self.questions_id, self.guild_id, "barometre", 1),
        ]

    def dm_channel(self) -> dict[str, Any]:
        return {"id": str(self.dm_id), "type": 1, "last_message_id": None, "recipients": [self.member.user()]}

    def channel(self, channel_id: int) -> dict[str, Any] | None:
        return next((c for c in [*self.channels(), self.dm_channel()] if int(c["id"]) == channel_id), None)

    def guild(self) -> dict[str, Any]:
        roles = [
            p.role(self.guild_id, "@everyone", p.MEMBER_PERMISSIONS, 0),
            p.role(self.admin_role_id, "Gestion", p.MEMBER_PERMISSIONS | p.MANAGE_GUILD, 1),
        ]
        members = [u.member() for u in self.users.values()]
        return p.guild(self.guild_id, "Fake server", self.owner.id, roles, self.channels(), members)

    def members(self) -> list[dict[str, Any]]:
        return [u.member() for u in self.users.values()]

    def ready(self, session_id: str, resume_url: str) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.user_me(),
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": resume_url,
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "user_settings": {},
            "auth_session_id_hash": "",
        }
