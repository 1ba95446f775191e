"""MCP tool environment fixture with two tools of different argument shapes, on openenv 0.10.0.

A CI fixture for issue 14 ("Any environment"), written in the style of
`Tests/Fixtures/python/echo_env_server.py` (an `MCPEnvironment` holding an in-process FastMCP server,
served with openenv's own `CallToolAction` / `CallToolObservation`), but with tools whose
`inputSchema`s exercise more of JSON Schema than echo's single string:

- `add(a: int, b: int) -> int`: two required integers; the result is wrapped by FastMCP
  (`structured_content {"result": a+b}`, `data` a+b).
- `lookup(key: str, options: LookupOptions = LookupOptions()) -> list[str]`: a required
  string with `minLength` 1 and an optional nested object (a pydantic model, so the
  inputSchema has `$defs` and a `$ref`) with `case_sensitive: bool = False` and
  `limit: int = 3` (`ge=1`, `le=10`). Returns the words of a fixed list that contain
  `key`, at most `limit` of them, in list order.

Unlike echo (which copies upstream, so `/schema`'s `reset_observation` is the
`CallToolObservation` schema although reset returns a bare `Observation`, PROTOCOL-0.10.md
§4.3), this fixture passes `reset_observation_cls=Observation`, so its `reset_observation`
schema describes what reset really returns: a kit can check both cases.

- `reset` → `Observation(done=False, reward=0.0, metadata={"status": "ready", "tools": [...]})`.
- every `step` (tool call, tool listing, anything else) counts in `state.step_count`;
  `/mcp` and WS `mcp` calls do not (they bypass `step`, as in openenv).
- `env_name="mcp_tools_env"`, so the ORS task routes are `/mcp_tools_env/...`.

Run:   python Tests/Fixtures/python/mcp_tools_env_server.py   (from the 0.10 venv; or
       FIXTURE=mcp_tools OPENENV_REFERENCE=0.10 ci/start-reference-server)
Env:   HOST (127.0.0.1), PORT (8000; 0 = any free port), WORKERS (1), MAX_CONCURRENT_ENVS (100),
       SESSION_TIMEOUT (unset = no idle reaper); served by Tests/Fixtures/python/fixture_server.py, which
       prints "bound http://HOST:PORT pid=N" once the socket is bound
"""

import os
import uuid
from typing import Annotated, Any, List, Optional

from fastmcp import FastMCP
from pydantic import BaseModel, ConfigDict, Field

from fixture_server import CountsSteps, concurrency
from openenv.core.env_server.http_server import create_fastapi_app
from openenv.core.env_server.mcp_environment import MCPEnvironment
from openenv.core.env_server.mcp_types import CallToolAction, CallToolObservation
from openenv.core.env_server.types import Action, Observation, State

WORDS = ["Apple", "apricot", "banana", "blueberry", "cherry", "grape", "Grapefruit", "pineapple"]
TOOL_NAMES = ["add", "lookup"]


class LookupOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_sensitive: bool = Field(default=False, description="Match case exactly")
    limit: int = Field(default=3, ge=1, le=10, description="Most words to return")


def _tools() -> FastMCP:
    server = FastMCP("mcp_tools_env")

    @server.tool
    def add(a: int, b: int) -> int:
        """
        Add two integers.

        Args:
            a: The first addend
            b: The second addend

        Returns:
            The sum a + b
        """
        if os.environ.get("DEFECT") == "tool-error":
            # Seeded defect (ci/fixture-check): a listed tool that always fails.
            raise RuntimeError("add is broken")
        return a + b

    @server.tool
    def lookup(
        key: Annotated[str, Field(min_length=1, description="Text to look for inside each word")],
        options: LookupOptions = LookupOptions(),
    ) -> List[str]:
        """
        Look up the words of a fixed list that contain a key.

        Args:
            options: Matching options

        Returns:
            The matching words, in list order, at most options.limit of them
        """
        if options.case_sensitive:
            found = [w for w in WORDS if key in w]
        else:
            found = [w for w in WORDS if key.lower() in w.lower()]
        return found[: options.limit]

    return server


class McpToolsEnvironment(CountsSteps, MCPEnvironment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        # One FastMCP server per env instance (= per session), as echo_env_server.py.
        super().__init__(_tools())
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def reset(
        self,
        seed: Optional[int] = None,
        episode_id: Optional[str] = None,
        **kwargs: Any,
    ) -> Observation:
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return Observation(
            done=False, reward=0.0, metadata={"status": "ready", "tools": TOOL_NAMES}
        )

    def _step_impl(
        self, action: Action, timeout_s: Optional[float] = None, **kwargs: Any
    ) -> Observation:
        # Only reached for actions that are neither ListToolsAction nor CallToolAction.
        return Observation(
            done=False,
            reward=0.0,
            metadata={"error": f"Unknown action type: {type(action).__name__}"},
        )


    @property
    def state(self) -> State:
        return self._state


app = create_fastapi_app(
    McpToolsEnvironment,
    CallToolAction,
    CallToolObservation,
    env_name="mcp_tools_env",
    reset_observation_cls=Observation,
    **concurrency(100),
)


def main() -> None:
    from fixture_server import serve

    serve(app, "mcp_tools_env_server:app", os.path.dirname(os.path.abspath(__file__)))


if __name__ == "__main__":
    main()
