"""Reference "benchmark environment" (PROTOCOL.md §4) served by openenv-core 0.3.0
(and, unmodified, by openenv 0.10.0: ci/start-reference-server OPENENV_REFERENCE=0.10).

This is the Python side of the cross-implementation check: the Swift server must
answer byte-for-byte like this app. Everything protocol-related (routes, envelopes,
error bodies, capacity handling) comes from openenv-core's own factory; this file
only defines the environment.

Run:   python Tests/Fixtures/python/benchmark_env_server.py
Env:   HOST (127.0.0.1), PORT (8000), WORKERS (1), MAX_CONCURRENT_ENVS (100),
       SESSION_TIMEOUT (unset = no idle reaper; else seconds, passed as
       ConcurrencyConfig(session_timeout=...), which both versions accept)
Or:    PORT=8000 uvicorn --app-dir ci/python benchmark_env_server:app --port 8000 --workers N
       (uvicorn's CLI ignores PORT; it is set only so host_url reports it)
"""

import asyncio
import hashlib
import os
import socket
import time
import uuid
from typing import Any, Optional

from pydantic import Field

from fixture_server import concurrency
from openenv.core.env_server.http_server import create_fastapi_app
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import (
    Action,
    EnvironmentMetadata,
    Observation,
    State,
)


class BenchmarkAction(Action):
    # Plain float on purpose: the reference accepts negative values (PROTOCOL.md §4).
    wait_seconds: float = Field(default=0.0, description="Seconds to wait in this step")


class BenchmarkObservation(Observation):
    waited_seconds: float = Field(default=0.0, description="Wait performed by this step")
    pid: int = Field(default=0, description="Serving process id")
    session_hash: str = Field(default="", description="12 hex chars, fixed per session")
    host_url: str = Field(default="", description="<hostname>:<PORT> of the server")
    step_count: int = Field(default=0, description="Steps since the last reset")


class BenchmarkEnvironment(Environment[BenchmarkAction, BenchmarkObservation, State]):
    # Required by openenv-core: HTTPEnvServer refuses max_concurrent_envs > 1 otherwise.
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        # One instance == one WebSocket session (or one stateless HTTP call),
        # so a per-instance hash lets clients tell sessions apart.
        self._session_hash = hashlib.sha256(uuid.uuid4().bytes).hexdigest()[:12]
        self._host_url = f"{socket.gethostname()}:{os.environ.get('PORT', '')}"
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def _observation(self, waited: float) -> BenchmarkObservation:
        return BenchmarkObservation(
            waited_seconds=waited,
            pid=os.getpid(),
            session_hash=self._session_hash,
            host_url=self._host_url,
            step_count=self._state.step_count,
            reward=None,
            done=False,
        )

    def reset(
        self,
        seed: Optional[int] = None,
        episode_id: Optional[str] = None,
        **kwargs: Any,  # unknown reset options are accepted and ignored
    ) -> BenchmarkObservation:
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return self._observation(0.0)

    async def step_async(
        self, action: BenchmarkAction, timeout_s: Optional[float] = None, **kwargs: Any
    ) -> BenchmarkObservation:
        # openenv-core awaits step_async directly on the event loop when it is
        # overridden (otherwise it runs sync step() in a per-session thread), so
        # asyncio.sleep keeps concurrent sessions from blocking each other.
        # asyncio.sleep returns at once for values <= 0.
        await asyncio.sleep(action.wait_seconds)
        self._state.step_count += 1
        return self._observation(action.wait_seconds)

    def step(
        self, action: BenchmarkAction, timeout_s: Optional[float] = None, **kwargs: Any
    ) -> BenchmarkObservation:
        # Abstract in the base class; unused by the server because step_async is
        # overridden. Kept correct for direct (non-server) use.
        time.sleep(max(0.0, action.wait_seconds))
        self._state.step_count += 1
        return self._observation(action.wait_seconds)

    @property
    def state(self) -> State:
        return self._state

    def get_metadata(self) -> EnvironmentMetadata:
        return EnvironmentMetadata(
            name="benchmark_env",
            description="Waits wait_seconds per step; reports pid, session and host "
            "so clients can measure concurrency and load balancing.",
            version="1.0.0",
        )



# create_fastapi_app (not create_app) so the routes never depend on
# ENABLE_WEB_INTERFACE being set in the caller's environment.
app = create_fastapi_app(
    BenchmarkEnvironment,
    BenchmarkAction,
    BenchmarkObservation,
    **concurrency(100),
)


def main() -> None:
    from fixture_server import serve

    serve(app, "benchmark_env_server:app", os.path.dirname(os.path.abspath(__file__)))


if __name__ == "__main__":
    main()
