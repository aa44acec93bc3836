"""The fake gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME with replay, drops."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .recording import Recorder

log = logging.getLogger("fakediscord.gateway")

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT, REQUEST_MEMBERS = 0, 1, 2, 3, 6, 7, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11


@dataclass
class Session:
    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count) from IDENTIFY
    seq: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)  # every dispatched event, for replay
    connection: Connection | None = None

    def receives(self, guild_id: int | None) -> bool:
        """Whether a guild's events go to this session (Discord's rule; direct messages: shard 0)."""
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id if guild_id is not None else shard_id == 0


@dataclass
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    resumed: bool = False
    ready: bool = False  # identified or resumed: dispatches may be sent on it


@dataclass(frozen=True)
class GatewayEvent:
    """Something the client sent on the gateway (op and data), or a connection-level happening."""

    op: int | str  # an opcode, or "connect" / "disconnect"
    data: Any = None


class Gateway:
    """Bot sessions, one per IDENTIFY (a shard each: a guild's events go to the sessions of its shard,
    as Discord routes them; two sessions of one shard both get them). Dispatches are logged per
    session so RESUME can replay them. `session` / `connection` are the latest identified."""

    def __init__(
        self,
        *,
        token: str,
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        members_chunk: Callable[[int], list[dict[str, Any]]],
        resume_url: Callable[[], str],
    ) -> None:
        self.token = token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._members_chunk = members_chunk
        self._resume_url = resume_url
        self.sessions: list[Session] = []
        self.events = Recorder()  # GatewayEvent, in order
        self._lock = asyncio.Lock()

    @property
    def session(self) -> Session | None:
        return self.sessions[-1] if self.sessions else None

    @property
    def connection(self) -> Connection | None:
        return self.session.connection if self.session else None

    def live_sessions(self, shard_id: int | None = None) -> list[Session]:
        """Sessions with a connection now (of one shard id)."""
        return [s for s in self.sessions if s.connection is not None and (shard_id is None or s.shard[0] == shard_id)]

    # -- counts tests read ------------------------------------------------------------------------
    def count(self, op: int | str) -> int:
        return sum(1 for e in self.events.items if e.op == op)

    # -- the websocket endpoint -------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = Connection(ws=ws, request=request)
        await self.events.add(GatewayEvent("connect", {"path": request.path, "query": dict(request.query)}))
        await self._send(conn, {"op": HELLO, "d": {"heartbeat_interval": 41_250}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                await self._on_payload(conn, payload)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            for session in self.sessions:
                if session.connection is conn:
                    session.connection = None
            await self.events.add(GatewayEvent("disconnect", {"close_code": ws.close_code}))
        return ws

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        await self.events.add(GatewayEvent(op, _redact(data)))
        if op == HEARTBEAT:
            await self._send(conn, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif op == REQUEST_MEMBERS:
            guild_id = int(data["guild_id"])
            chunk = {
                "guild_id": str(guild_id),
                "members": self._members_chunk(guild_id),
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            async with self._lock:
                for session in self.sessions:
                    if session.connection is conn:
                        await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = data.get("shard") or [0, 1]
        async with self._lock:
            session = Session(id=secrets.token_hex(16), intents=int(data.get("intents", 0)),
                              shard=(int(shard[0]), int(shard[1])), connection=conn)
            self.sessions.append(session)
            conn.ready = True
            await self._dispatch_to(session, "READY", {**self._ready_payload(session), "shard": list(session.shard)})
            for guild in self._guild_payloads():  # every guild, whatever its shard: tests may route by hand
                await self._dispatch_to(session, "GUILD_CREATE", guild)

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        async with self._lock:
            session = next((s for s in self.sessions if s.id == data.get("session_id")), None)
            if data.get("token") != self.token or session is None:
                await self._send(conn, {"op": INVALID_SESSION, "d": False})
                return
            seq = data.get("seq") or 0
            session.connection = conn
            conn.resumed = conn.ready = True
            for event in session.log:
                if event["s"] > seq:
                    await self._send(conn, event)
            session.seq += 1
            await self._send(conn, {"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {}})
            await self.events.add(GatewayEvent("resumed", {"replayed_after": seq}))

    # -- what tests call --------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any], shard: int | None = None) -> None:
        """Send a DISPATCH to the sessions of its guild's shard (or of shard id `shard`) now, or keep it
        for the RESUME when a client is not connected."""
        async with self._lock:
            if not self.sessions:
                raise RuntimeError("no gateway session: the client has not identified yet")
            guild_id = int(data["guild_id"]) if data.get("guild_id") else None
            for session in self.sessions:
                if session.shard[0] == shard if shard is not None else session.receives(guild_id):
                    await self._dispatch_to(session, event, data)

    async def _dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.log.append(payload)
        if session.connection is not None and session.connection.ready:
            await self._send(session.connection, payload)

    async def drop(self) -> None:
        """Cut the current connection without a close frame (as a network failure would)."""
        conn = self.connection
        if conn is None or self.session is None:
            raise RuntimeError("no gateway connection to drop")
        self.session.connection = None
        transport = conn.request.transport
        if transport is not None:
            transport.abort()
        await self.events.add(GatewayEvent("dropped"))

    async def send_reconnect(self) -> None:
        """Ask the client to reconnect and resume (op 7), as Discord does before maintenance."""
        if self.connection is not None:
            await self._send(self.connection, {"op": RECONNECT, "d": None})

    async def close(self) -> None:
        for session in self.sessions:
            conn, session.connection = session.connection, None
            if conn is not None and not conn.ws.closed:
                await conn.ws.close()

    @staticmethod
    async def _send(conn: Connection, payload: dict[str, Any]) -> None:
        try:
            await conn.ws.send_str(json.dumps(payload))
        except (ConnectionResetError, RuntimeError) as exc:  # closed under our feet: RESUME replays it
            log.debug("could not send %s: %s", payload.get("t") or payload.get("op"), exc)


def _redact(data: Any) -> Any:
    if isinstance(data, dict) and "token" in data:
        return {**data, "token": "<redacted>"}
    return data
