"""FakeDiscord: the REST API, gateway and CDN on 127.0.0.1, plus what a test does as a Discord user
(send a message, run a slash command, type in an autocompleted option, click a button) and awaits."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import yarl
from aiohttp import web

from . import payloads as p
from .gateway import Gateway, Session
from .recording import Recorder, Sent
from .rest import InteractionRecord, RestApi
from .world import World

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE = 2, 3, 4
OPTION_TYPES = {"string": 3, "integer": 4, "boolean": 5, "user": 6, "channel": 7, "role": 8, "number": 10,
                "attachment": 11}
MESSAGE_KINDS = ("followup", "edit_original", "edit_followup")


def make_token(bot_id: int) -> str:
    """A random token shaped like Discord's: base64 of the bot id, a timestamp part, an HMAC part."""
    head = base64.urlsafe_b64encode(str(bot_id).encode()).decode().rstrip("=")
    return f"{head}.{secrets.token_urlsafe(5)[:6]}.{secrets.token_urlsafe(27)}"


@dataclass(frozen=True)
class Upload:
    """A file a user attaches to an attachment option of a slash command."""

    filename: str
    content: bytes
    content_type: str | None = "application/x-yaml"


@dataclass
class InteractionHandle:
    """An interaction the fake sent; await what the bot answered to it."""

    fake: FakeDiscord
    record: InteractionRecord
    mark: int  # records before this index were sent before the interaction

    @property
    def id(self) -> int:
        return self.record.id

    def _mine(self, sent: Sent) -> bool:
        return sent.interaction_id == self.record.id

    async def callback(self, timeout: float = 10.0) -> Sent:
        """The interaction response (type 4, 5, 6, 7, 8...)."""
        return await self.fake.sent.wait_for(
            lambda s: self._mine(s) and s.kind == "callback", timeout=timeout, start=self.mark,
            what=f"the response to interaction {self.id}")

    async def response(self, timeout: float = 10.0) -> Sent:
        """What the user ends up reading: a type 4/7 response, or the edit/follow-up after a defer."""

        def final(s: Sent) -> bool:
            if not self._mine(s):
                return False
            return s.kind in MESSAGE_KINDS or (s.kind == "callback" and s.callback_type in (4, 7))

        return await self.fake.sent.wait_for(final, timeout=timeout, start=self.mark,
                                             what=f"the message answering interaction {self.id}")

    def all(self) -> list[Sent]:
        return [s for s in self.fake.sent.items[self.mark:] if self._mine(s)]


class FakeDiscord:
    def __init__(self, token: str | None = None) -> None:
        self.world = World.create()
        self.token = token or make_token(self.world.bot.id)
        self.sent = Recorder()  # Sent: every message/interaction response the client made
        self.rest = RestApi(self.world, self.token, self.sent, cdn_url="")
        self.gateway = Gateway(
            token=self.token,
            ready_payload=lambda s: self.world.ready(s.id, self.resume_url),
            guild_payloads=lambda: [self.world.guild()],
            members_chunk=lambda guild_id: self.world.members(),
            resume_url=lambda: self.resume_url,
        )
        self._runner: web.AppRunner | None = None
        self._drop_mark = 0
        self.port = 0

    # -- server life -----------------------------------------------------------------------------
    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume-gateway", self.gateway.handle)
        app.add_routes(self.rest.routes())
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.rest.cdn_url = f"{self.http_url}/cdn"
        return self

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.http_url}/api/v10"

    @property
    def gateway_url(self) -> yarl.URL:
        return yarl.URL(f"ws://127.0.0.1:{self.port}/gateway")

    @property
    def resume_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    def patch_discord(self, monkeypatch: Any) -> None:
        """Point discord.py's REST base and gateway URL at this fake (for one test)."""
        import discord.gateway
        import discord.http

        monkeypatch.setattr(discord.http.Route, "BASE", self.api_base)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", self.gateway_url)

    @contextlib.asynccontextmanager
    async def running(self, client: Any, timeout: float = 15.0) -> AsyncIterator[Any]:
        """Run a discord.py client against the fake until the block ends; ready when entered."""
        task = asyncio.create_task(client.start(self.token))
        ready = asyncio.create_task(client.wait_until_ready())
        try:
            done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                task.result()  # raises what made the client stop
                raise AssertionError("the client stopped before it was ready")
            if ready not in done:
                raise AssertionError(f"the client was not ready after {timeout}s")
            yield client
        finally:
            ready.cancel()
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout)

    # -- the gateway from a test -----------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self.gateway.session

    async def drop_connection(self) -> None:
        """Cut the gateway connection abruptly (no close frame); the client should RESUME."""
        self._drop_mark = len(self.gateway.events.items)
        await self.gateway.drop()

    async def ask_to_reconnect(self) -> None:
        """Send op 7 RECONNECT, as Discord does before maintenance; the client should RESUME."""
        self._drop_mark = len(self.gateway.events.items)
        await self.gateway.send_reconnect()

    async def wait_resumed(self, timeout: float = 15.0) -> None:
        """Wait until the client resumed the session (RESUME answered by RESUMED) since the last drop."""
        await self.gateway.events.wait_for(lambda e: e.op == "resumed", timeout=timeout,
                                           start=self._drop_mark, what="the client to resume")

    # -- being a user ----------------------------------------------------------------------------
    async def send_message(
        self,
        content: str,
        *,
        author: p.FakeUser | None = None,
        channel_id: int | None = None,
        mentions_bot: bool = False,
        mention_everyone: bool = False,
        direct: bool = False,
        shard: int | None = None,
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE from a user; with mentions_bot the content starts with the bot's mention;
        direct: a direct message from `member` to the bot; shard: to the sessions of that shard id
        (default: the guild's shard, as Discord routes it)."""
        author = self.world.member if direct else author or self.world.member
        mentions = [self.world.bot] if mentions_bot else []
        if mentions_bot:
            content = f"<@{self.world.bot.id}> {content}"
        message = p.message(
            message_id=self.world.ids.next(),
            channel_id=self.world.dm_id if direct else channel_id or self.world.general_id,
            guild_id=None if direct else self.world.guild_id,
            author=author,
            content=content,
            mentions=mentions,
            mention_everyone=mention_everyone,
        )
        self.rest.messages[int(message["id"])] = message
        await self.gateway.dispatch("MESSAGE_CREATE", message, shard)
        return message

    async def wait_for_reply(self, message: dict[str, Any] | int, timeout: float = 10.0) -> Sent:
        """The bot's channel message replying to (message_reference) this message."""
        return await self.sent.wait_for(
            lambda s: s.kind == "channel_message" and s.replies_to(message),
            timeout=timeout, what=f"a reply to message {message['id'] if isinstance(message, dict) else message}")

    def replies_to(self, message: dict[str, Any] | int) -> list[Sent]:
        """Every message the bot sent so far in reply to this message."""
        return [s for s in self.sent.items if s.replies_to(message)]

    async def wait_for_response(self, predicate: Callable[[Sent], bool], timeout: float = 10.0,
                                start: int = 0) -> Sent:
        return await self.sent.wait_for(predicate, timeout=timeout, start=start, what="a matching response")

    def find_command(self, name: str) -> dict[str, Any]:
        """A registered command by default name: the guild's first, then global (as a client shows)."""
        for command in self.rest.guild_commands.get(self.world.guild_id, []) + self.rest.global_commands:
            if command["name"] == name:
                return command
        registered = [c["name"] for c in self.rest.global_commands] + [
            c["name"] for c in self.rest.guild_commands.get(self.world.guild_id, [])]
        raise LookupError(f"/{name} is not registered with the fake Discord (registered: {registered})")

    def _interaction(self, kind: int, data: dict[str, Any], *, user: p.FakeUser | None,
                     channel_id: int | None, member_permissions: int | None, locale: str,
                     message: dict[str, Any] | None = None) -> InteractionRecord:
        user = user or self.world.member
        channel_id = channel_id or self.world.general_id
        member = user.member(with_permissions=True)
        if member_permissions is not None:
            member["permissions"] = str(member_permissions)
        record = InteractionRecord(id=self.world.ids.next(), token=f"itok-{secrets.token_hex(12)}",
                                   channel_id=channel_id, user=user, payload={})
        record.payload = {
            "id": str(record.id),
            "application_id": str(self.world.app_id),
            "type": kind,
            "data": data,
            "guild_id": str(self.world.guild_id),
            "guild": {"id": str(self.world.guild_id), "locale": "fr", "features": []},
            "channel_id": str(channel_id),
            "channel": self.world.channel(channel_id),
            "member": member,
            "token": record.token,
            "version": 1,
            "app_permissions": str(p.MEMBER_PERMISSIONS),
            "locale": locale,
            "guild_locale": "fr",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.world.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            record.payload["message"] = message
        self.rest.interactions[record.token] = record
        return record

    def _command_data(self, name: str, options: dict[str, Any], focused: str | None) -> dict[str, Any]:
        command = self.find_command(name)
        defined = {o["name"]: o for o in command.get("options") or []}
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": []}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        resolved: dict[str, Any] = {}
        for option_name, value in options.items():
            if option_name not in defined:
                raise LookupError(f"/{name} has no option {option_name!r} (has {sorted(defined)})")
            kind = defined[option_name]["type"]
            entry: dict[str, Any] = {"name": option_name, "type": kind, "value": value}
            if isinstance(value, Upload):
                attachment_id = self.world.ids.next()
                path = f"attachments/{attachment_id}/{value.filename}"
                self.rest.cdn[path] = (value.content, value.content_type or "application/octet-stream")
                resolved.setdefault("attachments", {})[str(attachment_id)] = p.attachment(
                    attachment_id, value.filename, len(value.content), f"{self.rest.cdn_url}/{path}",
                    value.content_type)
                entry["value"] = str(attachment_id)
            if option_name == focused:
                entry["focused"] = True
            data["options"].append(entry)
        missing = [o for o, d in defined.items() if d.get("required") and o not in options]
        if missing and focused is None:
            raise LookupError(f"/{name} needs option(s) {missing}")
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, user: p.FakeUser | None = None,
                    channel_id: int | None = None, member_permissions: int | None = None,
                    locale: str = "fr", shard: int | None = None) -> InteractionHandle:
        """Run /name with options (by default name; Upload values for attachment options); shard: sent
        to the sessions of that shard id (default: the guild's shard)."""
        data = self._command_data(name, options or {}, None)
        record = self._interaction(APPLICATION_COMMAND, data, user=user, channel_id=channel_id,
                                   member_permissions=member_permissions, locale=locale)
        handle = InteractionHandle(self, record, mark=len(self.sent.items))
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload, shard)
        return handle

    async def autocomplete(self, name: str, options: dict[str, Any], focused: str, *,
                           user: p.FakeUser | None = None, locale: str = "fr",
                           timeout: float = 10.0) -> list[dict[str, Any]]:
        """Type in option `focused` of /name; returns the choices the bot offered."""
        data = self._command_data(name, options, focused)
        record = self._interaction(AUTOCOMPLETE, data, user=user, channel_id=None, member_permissions=None,
                                   locale=locale)
        handle = InteractionHandle(self, record, mark=len(self.sent.items))
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload)
        sent = await handle.callback(timeout)
        assert sent.callback_type == 8, f"autocomplete answered with type {sent.callback_type}"
        return sent.choices

    async def click(self, custom_id: str, message: dict[str, Any] | Sent, *, user: p.FakeUser | None = None,
                    locale: str = "fr") -> InteractionHandle:
        """Click the button custom_id on a message the bot sent (a message object or a Sent)."""
        if isinstance(message, Sent):
            if message.message is None:
                raise ValueError("this record created no message")
            message = message.message
        ids = [c.get("custom_id") for row in message.get("components") or [] for c in row.get("components", [])]
        if custom_id not in ids:
            raise LookupError(f"no button {custom_id!r} on message {message['id']} (has {ids})")
        current = self.rest.messages.get(int(message["id"]), message)
        record = self._interaction(COMPONENT, {"custom_id": custom_id, "component_type": 2}, user=user,
                                   channel_id=int(current["channel_id"]), member_permissions=None,
                                   locale=locale, message=current)
        handle = InteractionHandle(self, record, mark=len(self.sent.items))
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload)
        return handle
