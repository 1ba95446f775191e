"""Sandbox fixture: an environment with a real environment's semantics, served by openenv 0.10.0.

A CI fixture for issue 21 (ci/fixture-check): the classes of real environments the generic
conformance cases must hold for, and seeded defects the new cases must catch.

- **Reset first**: like a REPL or a game dealt at reset, `state` and `step` raise
  `RuntimeError("sandbox not started: reset first")` before the first reset. openenv 0.10
  answers that on WS with an `EXECUTION_ERROR` reply (the session stays), and over HTTP, whose
  `/step` and `/state` build a fresh environment per request, with 500 `Internal Server Error`.
- **Reset can be done**: every second reset of a session reports `done: true` (a sandbox that
  came up degraded); steps are still accepted.
- **Long step**: the action `{"command": str, "seconds": float}` sleeps `seconds` (0..120)
  without blocking the server (`step_async`), so `OPENENV_LONG_ACTION` can ask for a step longer
  than a client's timeout.

DEFECT seeds one defect (unset: none), each caught by its own case of docs/PROTOCOL.md:
  schema-omits-required   the action requires `workdir`, the served schema does not (case 77);
  schema-permits-extra    the served schema allows extra fields, the action refuses them (76);
  idle-drop               a session idle for 10 s is closed, though no timeout is advertised (78);
  abort-leak              a session whose client vanishes (no close frame) never frees its slot (82).
(openenv 0.10's own SESSION_TIMEOUT reaper cannot seed idle-drop: it destroys the session's
bookkeeping but the open socket keeps stepping.)

Run:   FIXTURE=sandbox OPENENV_REFERENCE=0.10 ci/start-reference-server PIDFILE
Env:   HOST, PORT (0 = any free port), WORKERS, MAX_CONCURRENT_ENVS (100), SESSION_TIMEOUT,
       DEFECT; served by Tests/Fixtures/python/fixture_server.py
"""

import asyncio
import os
import time
import uuid
from typing import Any, Optional

from pydantic import ConfigDict, Field

from fixture_server import concurrency
from openenv.core.env_server.http_server import create_fastapi_app
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import Action, EnvironmentMetadata, Observation, State

DEFECT = os.environ.get("DEFECT", "")


class SandboxAction(Action):
    command: str = Field(..., min_length=1, max_length=200, description="What to run; echoed back")
    seconds: float = Field(default=0.0, ge=0, le=120, description="How long the command runs")


class SandboxObservation(Observation):
    output: str = Field(default="", description="The command, echoed")
    elapsed: float = Field(default=0.0, ge=0, description="Seconds the step ran")


class SandboxState(State):
    started: bool = False


class _WorkdirAction(SandboxAction):
    """schema-omits-required: `workdir` is required, the published schema omits it."""

    workdir: str = Field(..., description="Working directory")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict:
        schema = super().model_json_schema(*args, **kwargs)
        schema["required"] = [name for name in schema.get("required", []) if name != "workdir"]
        return schema


class _PermissiveSchemaAction(SandboxAction):
    """schema-permits-extra: refuses extra fields (as every openenv Action does) but publishes a
    schema without `additionalProperties: false`."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict:
        schema = super().model_json_schema(*args, **kwargs)
        schema.pop("additionalProperties", None)
        return schema


ACTIONS = {"schema-omits-required": _WorkdirAction, "schema-permits-extra": _PermissiveSchemaAction}
ActionClass = ACTIONS.get(DEFECT, SandboxAction)


class SandboxEnvironment(Environment[SandboxAction, SandboxObservation, SandboxState]):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        self._state: Optional[SandboxState] = None
        self._resets = 0

    def reset(self, seed: Optional[int] = None, episode_id: Optional[str] = None, **kwargs: Any) -> SandboxObservation:
        self._resets += 1
        self._state = SandboxState(episode_id=episode_id or str(uuid.uuid4()), step_count=0, started=True)
        return SandboxObservation(output="", elapsed=0.0, done=self._resets % 2 == 0, reward=None)

    def _started(self) -> SandboxState:
        if self._state is None:
            raise RuntimeError("sandbox not started: reset first")
        return self._state

    def _observe(self, action: SandboxAction, elapsed: float) -> SandboxObservation:
        self._started().step_count += 1
        return SandboxObservation(output=action.command, elapsed=elapsed, done=False, reward=0.0)

    def step(self, action: SandboxAction, timeout_s: Optional[float] = None, **kwargs: Any) -> SandboxObservation:
        self._started()
        start = time.monotonic()
        time.sleep(action.seconds)
        return self._observe(action, time.monotonic() - start)

    async def step_async(self, action: SandboxAction, timeout_s: Optional[float] = None, **kwargs: Any) -> SandboxObservation:
        self._started()
        start = time.monotonic()
        await asyncio.sleep(action.seconds)
        return self._observe(action, time.monotonic() - start)

    @property
    def state(self) -> SandboxState:
        return self._started()

    def get_metadata(self) -> EnvironmentMetadata:
        return EnvironmentMetadata(
            name="sandbox_env",
            description="A sandbox that must be reset before state or step; every second reset is done; steps sleep `seconds`.",
            version="1.0.0",
        )


def _drop_idle_sessions(app, idle_s: float = 10.0):
    """idle-drop: a WebSocket with no message either way for `idle_s` (pings do not count, a
    step in flight is not idle) is closed with 1000, while /metadata and /schema advertise no
    idle timeout, as a proxy or a server with a hidden timeout would."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "websocket":
            return await app(scope, receive, send)
        last = [time.monotonic()]
        busy = [False]
        dropped = asyncio.Event()

        async def watchdog():
            while not dropped.is_set():
                await asyncio.sleep(0.5)
                if not busy[0] and time.monotonic() - last[0] > idle_s:
                    dropped.set()
                    await send({"type": "websocket.close", "code": 1000})

        async def tracking_receive():
            message = asyncio.ensure_future(receive())
            drop = asyncio.ensure_future(dropped.wait())
            done, _ = await asyncio.wait({message, drop}, return_when=asyncio.FIRST_COMPLETED)
            if message not in done:
                message.cancel()
                return {"type": "websocket.disconnect", "code": 1000}
            drop.cancel()
            last[0], busy[0] = time.monotonic(), message.result()["type"] == "websocket.receive"
            return message.result()

        async def tracking_send(message):
            last[0], busy[0] = time.monotonic(), False
            if not dropped.is_set():
                await send(message)

        watcher = asyncio.ensure_future(watchdog())
        try:
            return await app(scope, tracking_receive, tracking_send)
        finally:
            watcher.cancel()

    return wrapped


def _leak_aborted_sessions(app):
    """abort-leak: a WebSocket whose client disconnects without a close frame (code 1006) is
    never reported to the app, so its handler waits forever and its slot is never freed."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "websocket":
            return await app(scope, receive, send)

        async def hiding_aborts():
            message = await receive()
            if message["type"] == "websocket.disconnect" and message.get("code") not in (1000, 1001):
                await asyncio.Event().wait()
            return message

        return await app(scope, hiding_aborts, send)

    return wrapped


app = create_fastapi_app(
    SandboxEnvironment,
    ActionClass,
    SandboxObservation,
    env_name="sandbox_env",
    state_cls=SandboxState,
    **concurrency(100),
)
served = {"abort-leak": _leak_aborted_sessions, "idle-drop": _drop_idle_sessions}.get(DEFECT, lambda app: app)(app)


def main() -> None:
    from fixture_server import serve

    serve(served, "sandbox_env_server:served", os.path.dirname(os.path.abspath(__file__)))


if __name__ == "__main__":
    main()
