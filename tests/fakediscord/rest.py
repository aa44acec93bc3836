"""The fake REST API (the subset discord.py and the bot use) and a tiny CDN for attachments.
Every answer has `Content-Type: application/json` exactly, as discord.py checks that string."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import payloads as p
from .commands import command_errors
from .recording import Recorder, Sent, SentFile
from .world import World

log = logging.getLogger("fakediscord.rest")

LOADING = 1 << 7
EPHEMERAL = 1 << 6


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


def error(status: int, code: int, message: str, errors: Any = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return json_response(body, status)


@dataclass
class InteractionRecord:
    id: int
    token: str
    channel_id: int
    user: p.FakeUser
    payload: dict[str, Any]
    acknowledged: bool = False
    created: float = field(default_factory=time.monotonic)
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)


class RestApi:
    def __init__(self, world: World, token: str, sent: Recorder, cdn_url: str) -> None:
        self.world = world
        self.token = token
        self.sent = sent
        self.cdn_url = cdn_url  # set again once the server knows its port
        self.calls: list[tuple[str, str]] = []  # (method, path) of every REST call
        self.unhandled: list[tuple[str, str]] = []
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.interactions: dict[str, InteractionRecord] = {}  # by token
        self.cdn: dict[str, tuple[bytes, str]] = {}  # path -> (content, content type)
        self.interaction_deadline = 3.0  # seconds to the first response, as on Discord

    def routes(self) -> list[web.RouteDef]:
        api = "/api/v{version:\\d+}"
        return [
            web.get(api + "/users/@me", self.users_me),
            web.get(api + "/oauth2/applications/@me", self.application),
            web.get(api + "/applications/@me", self.application),
            web.get(api + "/gateway", self.gateway),
            web.get(api + "/gateway/bot", self.gateway),
            web.put(api + "/applications/{app}/commands", self.put_global_commands),
            web.get(api + "/applications/{app}/commands", self.get_global_commands),
            web.put(api + "/applications/{app}/guilds/{guild}/commands", self.put_guild_commands),
            web.get(api + "/applications/{app}/guilds/{guild}/commands", self.get_guild_commands),
            web.post(api + "/interactions/{iid}/{token}/callback", self.callback),
            web.post(api + "/webhooks/{app}/{token}", self.followup),
            web.get(api + "/webhooks/{app}/{token}/messages/{mid}", self.get_webhook_message),
            web.patch(api + "/webhooks/{app}/{token}/messages/{mid}", self.edit_webhook_message),
            web.delete(api + "/webhooks/{app}/{token}/messages/{mid}", self.delete_webhook_message),
            web.post(api + "/channels/{cid}/messages", self.channel_message),
            web.patch(api + "/channels/{cid}/messages/{mid}", self.edit_channel_message),
            web.delete(api + "/channels/{cid}/messages/{mid}", self.delete_channel_message),
            web.get(api + "/channels/{cid}/messages/{mid}", self.get_channel_message),
            web.post(api + "/channels/{cid}/typing", self.typing),
            web.get(api + "/channels/{cid}", self.get_channel),
            web.get("/cdn/{path:.*}", self.cdn_get),
            web.route("*", "/{path:.*}", self.unknown),
        ]

    # -- middleware: record calls, check the bot token ---------------------------------------------
    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/api/"):
            self.calls.append((request.method, request.path))
            needs_auth = "/interactions/" not in request.path and "/webhooks/" not in request.path
            if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
                return error(401, 0, "401: Unauthorized")
        return await handler(request)

    # -- start-up ----------------------------------------------------------------------------------
    async def users_me(self, request: web.Request) -> web.Response:
        return json_response(self.world.user_me())

    async def application(self, request: web.Request) -> web.Response:
        return json_response(self.world.application())

    async def gateway(self, request: web.Request) -> web.Response:
        url = str(request.url.with_scheme("ws").with_path("/gateway").with_query(None))
        return json_response(
            {"url": url, "shards": 1,
             "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
        )

    # -- application commands ----------------------------------------------------------------------
    def _store_commands(self, body: Any, guild_id: int | None) -> web.Response:
        if not isinstance(body, list):
            return error(400, 50035, "Invalid Form Body")
        problems = command_errors(body)
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        stored = []
        for command in body:
            entry = {
                "id": str(self.world.ids.next()),
                "application_id": str(self.world.app_id),
                "version": str(self.world.ids.next()),
                "type": 1,
                "default_member_permissions": None,
                "nsfw": False,
                **command,
            }
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return json_response(stored)

    async def put_global_commands(self, request: web.Request) -> web.Response:
        return self._store_commands(await request.json(), None)

    async def get_global_commands(self, request: web.Request) -> web.Response:
        return json_response(self.global_commands)

    async def put_guild_commands(self, request: web.Request) -> web.Response:
        return self._store_commands(await request.json(), int(request.match_info["guild"]))

    async def get_guild_commands(self, request: web.Request) -> web.Response:
        return json_response(self.guild_commands.get(int(request.match_info["guild"]), []))

    # -- messages ------------------------------------------------------------------------------------
    async def _read_body(self, request: web.Request) -> tuple[dict[str, Any], list[SentFile]]:
        if request.content_type.startswith("multipart/"):
            body: dict[str, Any] = {}
            files: list[SentFile] = []
            reader = await request.multipart()
            async for part in reader:
                raw = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = json.loads(raw)
                else:
                    files.append(SentFile(
                        field=part.name or "", filename=part.filename or "", content=bytes(raw),
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                    ))
            return body, files
        if request.can_read_body:
            return await request.json(), []
        return {}, []

    def _attachments(self, data: dict[str, Any], files: list[SentFile], old: list[dict[str, Any]]) -> list[dict]:
        """Attachments of a created or edited message: kept old ones (by id) plus the uploaded files."""
        kept_ids = {str(a.get("id")) for a in data.get("attachments") or []}
        result = [a for a in old if a["id"] in kept_ids] if "attachments" in data else list(old)
        for sent_file in files:
            attachment_id = self.world.ids.next()
            path = f"attachments/{attachment_id}/{sent_file.filename}"
            self.cdn[path] = (sent_file.content, sent_file.content_type)
            result.append(p.attachment(attachment_id, sent_file.filename, len(sent_file.content),
                                       f"{self.cdn_url}/{path}", sent_file.content_type))
        return result

    def _new_message(self, channel_id: int, data: dict[str, Any], files: list[SentFile], *,
                     interaction: InteractionRecord | None = None, flags: int = 0) -> dict[str, Any]:
        message = p.message(
            message_id=self.world.ids.next(),
            channel_id=channel_id,
            guild_id=None if channel_id == self.world.dm_id else self.world.guild_id,
            author=self.world.bot,
            content=data.get("content") or "",
            embeds=data.get("embeds"),
            components=data.get("components"),
            attachments=self._attachments(data, files, []),
            flags=int(data.get("flags") or 0) | flags,
            reference=data.get("message_reference"),
            webhook_id=self.world.app_id if interaction else None,
            interaction_id=interaction.id if interaction else None,
        )
        self.messages[int(message["id"])] = message
        return message

    def _edit_message(self, message: dict[str, Any], data: dict[str, Any], files: list[SentFile]) -> dict:
        for key in ("content", "embeds", "components"):
            if key in data:
                message[key] = data[key] if data[key] is not None else ([] if key != "content" else "")
        if "attachments" in data or files:
            message["attachments"] = self._attachments(data, files, message.get("attachments") or [])
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        message["edited_timestamp"] = p.iso_now()
        return message

    async def channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["cid"])
        if self.world.channel(channel_id) is None:
            return error(404, 10003, "Unknown Channel")
        body, files = await self._read_body(request)
        if not (body.get("content") or body.get("embeds") or files or body.get("components")):
            return error(400, 50006, "Cannot send an empty message")
        message = self._new_message(channel_id, body, files)
        await self.sent.add(Sent("channel_message", request.method, request.path, body, files,
                                 channel_id=channel_id, message=message))
        return json_response(message)

    async def edit_channel_message(self, request: web.Request) -> web.Response:
        message = self.messages.get(int(request.match_info["mid"]))
        if message is None:
            return error(404, 10008, "Unknown Message")
        body, files = await self._read_body(request)
        self._edit_message(message, body, files)
        await self.sent.add(Sent("edit_message", request.method, request.path, body, files,
                                 channel_id=int(request.match_info["cid"]), message=message))
        return json_response(message)

    async def get_channel_message(self, request: web.Request) -> web.Response:
        message = self.messages.get(int(request.match_info["mid"]))
        return json_response(message) if message else error(404, 10008, "Unknown Message")

    async def delete_channel_message(self, request: web.Request) -> web.Response:
        self.messages.pop(int(request.match_info["mid"]), None)
        return web.Response(status=204)

    async def typing(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self.world.channel(int(request.match_info["cid"]))
        return json_response(channel) if channel else error(404, 10003, "Unknown Channel")

    # -- interactions ----------------------------------------------------------------------------
    async def callback(self, request: web.Request) -> web.Response:
        record = self.interactions.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["iid"]:
            return error(404, 10062, "Unknown interaction")
        body, files = await self._read_body(request)
        if record.acknowledged:
            return error(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - record.created > self.interaction_deadline:
            await self.sent.add(Sent("late_callback", request.method, request.path, body, files,
                                     interaction_id=record.id, channel_id=record.channel_id))
            return error(404, 10062, "Unknown interaction")
        record.acknowledged = True
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        message = None
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            message = self._new_message(record.channel_id, data, files, interaction=record)
            record.original_message_id = int(message["id"])
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking..." message
            message = self._new_message(record.channel_id, {"flags": data.get("flags", 0)}, [],
                                        interaction=record, flags=LOADING)
            record.original_message_id = int(message["id"])
        elif kind in (6, 7):  # DEFERRED_UPDATE_MESSAGE / UPDATE_MESSAGE: the component's message
            target = record.payload.get("message") or {}
            message = self.messages.get(int(target.get("id", 0)))
            if message is not None:
                record.original_message_id = int(message["id"])  # what @original then refers to
                if kind == 7:
                    self._edit_message(message, data, files)
        await self.sent.add(Sent("callback", request.method, request.path, body, files,
                                 interaction_id=record.id, channel_id=record.channel_id,
                                 callback_type=kind, message=message))
        if kind == 8 or "with_response" not in request.query:
            return web.Response(status=204)
        flags = int((message or {}).get("flags") or 0)
        result: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if message is not None:
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"]["message"] = message
        return json_response(result)

    def _webhook_record(self, request: web.Request) -> InteractionRecord | None:
        if request.match_info["app"] != str(self.world.app_id):
            return None
        return self.interactions.get(request.match_info["token"])

    async def followup(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        if record is None:
            return error(404, 10015, "Unknown Webhook")
        if not record.acknowledged:
            return error(400, 40060, "Interaction has not been acknowledged.")
        body, files = await self._read_body(request)
        message = self._new_message(record.channel_id, body, files, interaction=record)
        record.followup_ids.append(int(message["id"]))
        await self.sent.add(Sent("followup", request.method, request.path, body, files,
                                 interaction_id=record.id, channel_id=record.channel_id, message=message))
        return json_response(message)

    def _webhook_message(self, request: web.Request, record: InteractionRecord) -> dict[str, Any] | None:
        mid = request.match_info["mid"]
        message_id = record.original_message_id if mid == "@original" else int(mid)
        return self.messages.get(message_id) if message_id is not None else None

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        message = self._webhook_message(request, record) if record else None
        return json_response(message) if message else error(404, 10008, "Unknown Message")

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        message = self._webhook_message(request, record) if record else None
        if record is None or message is None:
            return error(404, 10008, "Unknown Message")
        body, files = await self._read_body(request)
        self._edit_message(message, body, files)
        kind = "edit_original" if request.match_info["mid"] == "@original" else "edit_followup"
        await self.sent.add(Sent(kind, request.method, request.path, body, files,
                                 interaction_id=record.id, channel_id=record.channel_id, message=message))
        return json_response(message)

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        message = self._webhook_message(request, record) if record else None
        if message is None:
            return error(404, 10008, "Unknown Message")
        self.messages.pop(int(message["id"]), None)
        return web.Response(status=204)

    # -- CDN and the rest ------------------------------------------------------------------------
    async def cdn_get(self, request: web.Request) -> web.Response:
        entry = self.cdn.get(request.match_info["path"])
        if entry is None:
            return web.Response(status=404)
        content, content_type = entry
        return web.Response(body=content, headers={"Content-Type": content_type})

    async def unknown(self, request: web.Request) -> web.Response:
        self.unhandled.append((request.method, request.path))
        log.warning("fake Discord has no route for %s %s", request.method, request.path)
        return error(404, 0, f"404: Not Found ({request.method} {request.path})")
