"""Board-game fixture: tic-tac-toe against a fixed opponent, served by openenv 0.10.0.

A CI fixture for issue 14 ("Any environment"): an environment whose schemas look nothing like
the benchmark's, so the conformance suite has to work from `/schema` alone.

- Action `{"cell": int}` with `Field(ge=0, le=8)` (row-major, 0 = top left). Which cells are
  *legal* depends on the state, which no schema can say: a move on an occupied cell, or any
  move after the game has ended, makes `step` raise `ValueError`. openenv answers that with
  its generic failure path: WS `{"type":"error","data":{"message":<text>,"code":"EXECUTION_ERROR"}}`
  (the session stays open), HTTP `/step` 500 `Internal Server Error` (text/plain). A cell
  outside 0..8 or a non-integer is a schema violation: WS `VALIDATION_ERROR`, HTTP 422.
- The agent plays X and moves first; after each legal X move the environment answers with O
  on the lowest-numbered free cell (deterministic, so tests can predict the board).
- Nested observation: `board` (3 rows of 3 strings, each "X", "O" or ""), `legal_moves`
  (free cells, ascending; empty once the game is over), `current_player`, `winner`
  (null, "X", "O" or "draw"), `last_moves` (a list of `Move` models: the agent's move and
  the reply), `move_count`. `reward` is 1.0 when X wins, -1.0 when O wins, 0.0 on a draw,
  null while the game goes on; `done` is true once there is a winner or a draw.
- State (`state_cls=TicTacToeState`): episode_id, step_count, plus `board` and `winner`.
- HTTP `/reset` and `/step` are stateless in openenv (a fresh environment per request), so
  over HTTP every step is the first move on an empty board; episodes need `/ws`.

Run:   python Tests/Fixtures/python/tictactoe_env_server.py   (from the 0.10 venv; or
       FIXTURE=tictactoe OPENENV_REFERENCE=0.10 ci/start-reference-server)
Env:   HOST (127.0.0.1), PORT (8000; 0 = any free port), WORKERS (1), MAX_CONCURRENT_ENVS (100),
       SESSION_TIMEOUT (unset = no idle reaper); served by Tests/Fixtures/python/fixture_server.py, which
       prints "bound http://HOST:PORT pid=N" once the socket is bound
"""

import os
import uuid
from typing import Annotated, Any, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from fixture_server import concurrency
from openenv.core.env_server.http_server import create_fastapi_app
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import (
    Action,
    EnvironmentMetadata,
    Observation,
    State,
)

Mark = Literal["X", "O", ""]
Row = Annotated[List[Mark], Field(min_length=3, max_length=3)]
Board = Annotated[List[Row], Field(min_length=3, max_length=3)]

LINES = [
    (0, 1, 2), (3, 4, 5), (6, 7, 8),  # rows
    (0, 3, 6), (1, 4, 7), (2, 5, 8),  # columns
    (0, 4, 8), (2, 4, 6),  # diagonals
]


class TicTacToeAction(Action):
    cell: int = Field(..., ge=0, le=8, description="Cell to mark with X, 0..8 row-major")


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid")

    player: Literal["X", "O"] = Field(..., description="Who moved")
    cell: int = Field(..., ge=0, le=8, description="Cell 0..8, row-major")
    row: int = Field(..., ge=0, le=2)
    col: int = Field(..., ge=0, le=2)


class TicTacToeObservation(Observation):
    board: Board = Field(
        default_factory=lambda: [["", "", ""] for _ in range(3)],
        description="Three rows of three marks: 'X', 'O' or '' (empty)",
    )
    legal_moves: List[int] = Field(
        default_factory=lambda: list(range(9)), description="Free cells, ascending"
    )
    current_player: Literal["X", "O"] = Field(default="X", description="Whose turn it is")
    winner: Optional[Literal["X", "O", "draw"]] = Field(
        default=None, description="Set once the game is over"
    )
    last_moves: List[Move] = Field(
        default_factory=list, description="The moves made by the last step (X, then O's reply)"
    )
    move_count: int = Field(default=0, ge=0, le=9, description="Marks on the board")


class TicTacToeState(State):
    board: Board = Field(default_factory=lambda: [["", "", ""] for _ in range(3)])
    winner: Optional[Literal["X", "O", "draw"]] = None


def _winner(cells: List[str]) -> Optional[str]:
    for a, b, c in LINES:
        if cells[a] and cells[a] == cells[b] == cells[c]:
            return cells[a]
    if all(cells):
        return "draw"
    return None


class TicTacToeEnvironment(Environment[TicTacToeAction, TicTacToeObservation, TicTacToeState]):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        self._cells: List[str] = [""] * 9
        self._winner: Optional[str] = None
        self._state = TicTacToeState(episode_id=str(uuid.uuid4()), step_count=0)

    def _board(self) -> List[List[str]]:
        return [self._cells[r * 3 : r * 3 + 3] for r in range(3)]

    def _observation(self, moves: List[Move]) -> TicTacToeObservation:
        over = self._winner is not None
        reward = None
        if over:
            reward = {"X": 1.0, "O": -1.0, "draw": 0.0}[self._winner]
        self._state.board = self._board()
        self._state.winner = self._winner
        if DEFECT == "observation-type":
            # Seeded defect: move_count served as a string, against the published schema.
            return TicTacToeObservation.model_construct(
                board=self._board(), legal_moves=[], current_player="X", winner=self._winner,
                last_moves=moves, move_count="many", reward=reward, done=over, metadata={})
        return TicTacToeObservation(
            board=self._board(),
            legal_moves=[] if over else [i for i, c in enumerate(self._cells) if not c],
            current_player="X",
            winner=self._winner,
            last_moves=moves,
            move_count=sum(1 for c in self._cells if c),
            reward=reward,
            done=over,
        )

    def _mark(self, player: str, cell: int) -> Move:
        self._cells[cell] = player
        self._winner = _winner(self._cells)
        return Move(player=player, cell=cell, row=cell // 3, col=cell % 3)

    def reset(
        self,
        seed: Optional[int] = None,
        episode_id: Optional[str] = None,
        **kwargs: Any,
    ) -> TicTacToeObservation:
        self._cells = [""] * 9
        self._winner = None
        self._state = TicTacToeState(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return self._observation([])

    def step(
        self, action: TicTacToeAction, timeout_s: Optional[float] = None, **kwargs: Any
    ) -> TicTacToeObservation:
        # Legality depends on the state, so it is checked here and not in the schema.
        if self._winner is not None:
            raise ValueError(f"game is over ({self._winner}); reset to play again")
        if self._cells[action.cell]:
            raise ValueError(f"cell {action.cell} is occupied by {self._cells[action.cell]}")
        self._state.step_count += 1
        moves = [self._mark("X", action.cell)]
        if self._winner is None:
            reply = next(i for i, c in enumerate(self._cells) if not c)
            moves.append(self._mark("O", reply))
        return self._observation(moves)

    @property
    def state(self) -> TicTacToeState:
        return self._state

    def get_metadata(self) -> EnvironmentMetadata:
        return EnvironmentMetadata(
            name="tictactoe_env",
            description="Tic-tac-toe as X against an O that takes the lowest free cell; "
            "action {cell: 0..8}, illegal moves raise.",
            version="1.0.0",
        )


# DEFECT seeds one conformance defect for ci/fixture-check to catch (unset: none):
#   observation-type: an observation field of the wrong type;
#   unknown-field: the published action schema forbids unknown fields, the server accepts them.
DEFECT = os.environ.get("DEFECT", "")


class _LaxTicTacToeAction(TicTacToeAction):
    """Accepts unknown fields, but publishes the strict schema (the unknown-field defect)."""

    model_config = ConfigDict(extra="allow")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict:
        return TicTacToeAction.model_json_schema(*args, **kwargs)


app = create_fastapi_app(
    TicTacToeEnvironment,
    _LaxTicTacToeAction if DEFECT == "unknown-field" else TicTacToeAction,
    TicTacToeObservation,
    env_name="tictactoe_env",
    state_cls=TicTacToeState,
    **concurrency(100),
)


def main() -> None:
    from fixture_server import serve

    serve(app, "tictactoe_env_server:app", os.path.dirname(os.path.abspath(__file__)))


if __name__ == "__main__":
    main()
