"""MCP tool environment fixture: OpenEnv's "echo" environment, served by openenv 0.10.0.

OpenEnv's own echo environment (`envs/echo_env` in the OpenEnv source tree, tools
`echo_message` and `echo_with_length`) is not published on PyPI and is not inside the
`openenv` wheel, so this file re-creates it from its documented design so the kit has a
live MCP tool environment to record (docs/reference/REFERENCE_TRANSCRIPT-0.10.md, section
"MCP tool environments in 0.10") and to check MCPToolClient against:

- a "pure MCP" environment: `MCPEnvironment` subclass holding an in-process FastMCP
  server named "echo_env" with two tools; the action/observation classes given to the
  server are openenv's own `CallToolAction` / `CallToolObservation`;
- `echo_message(message: str) -> str` returns the message; `echo_with_length(message: str)
  -> dict` returns `{"message": message, "length": len(message)}`. The docstrings are wire
  data (FastMCP publishes them as the tool descriptions) and follow upstream's wording;
- `reset` gives a plain `Observation(done=False, reward=0.0, metadata={"status": "ready",
  "message": "Echo environment ready!"})` with a new (or the requested) episode_id;
- every step (tool call, tool listing, anything else) counts in `state.step_count`;
  a non-MCP action gets an Observation whose metadata carries an error text;
- `env_name="echo_env"`, so the ORS task routes are `/echo_env/...`.

Deliberate difference: upstream serves it with `create_app` (Gradio UI when
ENABLE_WEB_INTERFACE is set); this uses `create_fastapi_app`, which is what `create_app`
does with the web interface off.

Run:   python Tests/Fixtures/python/echo_env_server.py   (from the 0.10 venv; or
       FIXTURE=echo OPENENV_REFERENCE=0.10 ci/start-reference-server)
Env:   HOST (127.0.0.1), PORT (8000), MAX_CONCURRENT_ENVS (8, as upstream),
       SESSION_TIMEOUT (unset = no idle reaper)
"""

import os
import uuid
from typing import Any, Optional

from fastmcp import FastMCP

from fixture_server import CountsSteps, concurrency
from openenv.core.env_server.http_server import create_fastapi_app
from openenv.core.env_server.mcp_environment import MCPEnvironment
from openenv.core.env_server.mcp_types import CallToolAction, CallToolObservation
from openenv.core.env_server.types import Action, Observation, State


def _echo_tools() -> FastMCP:
    server = FastMCP("echo_env")

    @server.tool
    def echo_message(message: str) -> str:
        """
        Echo back the provided message.

        Args:
            message: The message to echo back

        Returns:
            The same message that was provided
        """
        return message

    @server.tool
    def echo_with_length(message: str) -> dict:
        """
        Echo back the message with its length.

        Args:
            message: The message to echo back

        Returns:
            Dictionary with the message and its length
        """
        return {"message": message, "length": len(message)}

    return server


class EchoEnvironment(CountsSteps, MCPEnvironment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        # One FastMCP server per env instance (= per session), as upstream.
        super().__init__(_echo_tools())
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def reset(
        self,
        seed: Optional[int] = None,
        episode_id: Optional[str] = None,
        **kwargs: Any,
    ) -> Observation:
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return Observation(
            done=False,
            reward=0.0,
            metadata={"status": "ready", "message": "Echo environment ready!"},
        )

    def _step_impl(
        self, action: Action, timeout_s: Optional[float] = None, **kwargs: Any
    ) -> Observation:
        # Only reached for actions that are neither ListToolsAction nor CallToolAction.
        return Observation(
            done=False,
            reward=0.0,
            metadata={
                "error": f"Unknown action type: {type(action).__name__}. "
                "Use ListToolsAction or CallToolAction for MCP interactions."
            },
        )


    @property
    def state(self) -> State:
        return self._state


app = create_fastapi_app(
    EchoEnvironment,
    CallToolAction,
    CallToolObservation,
    env_name="echo_env",
    **concurrency(8),
)


def main() -> None:
    from fixture_server import serve

    serve(app, "echo_env_server:app", os.path.dirname(os.path.abspath(__file__)))


if __name__ == "__main__":
    main()
