"""Generate the JSON Schema fixtures of EnvSchemaTests from real pydantic models.

Usage (from the repo root, with the openenv 0.10 venv, which pins pydantic 2.14.3):

    .build-venv/openenv-0.10/bin/python Tests/EnvSchemaTests/Fixtures/generate.py [--synthesized [FILE]]

writes Tests/EnvSchemaTests/Fixtures/pydantic-fixtures.json:

    {"generator": ..., "versions": {...},
     "models": [{"name", "source", "verdict_by", "schema",
                 "instances": [{"json", "valid", "valid_json_mode", "errors", "note"?}]}]}

- `schema` is exactly what the model publishes (`model_json_schema()`, as openenv's `/schema`
  serves it; for MCP tools, the `inputSchema` FastMCP lists in `tools/list`).
- `instances` are hand-written JSON texts (kept as text so `1.0` stays `1.0`), each with
  pydantic's own verdict:
  - `valid`: what the server does with that JSON. For models, `Model.model_validate(json.loads(text))`
    (python mode on the parsed JSON, which is how openenv's `deserialize_action` validates an
    action); for MCP tools, an in-process FastMCP `call_tool` with those arguments (FastMCP
    validates arguments with pydantic; a `ToolError` is invalid).
  - `valid_json_mode`: `Model.model_validate_json(text)` for comparison (null for tools).
  - `errors`: pydantic's error list (`type`, `loc`, `msg`) when invalid.
- Models: the benchmark fixture's action and observation (Tests/Fixtures/python/benchmark_env_server.py),
  openenv 0.10's Action/Observation/State and MCP CallToolAction/ListToolsAction/
  CallToolObservation/ListToolsObservation, the tictactoe fixture's models
  (Tests/Fixtures/python/tictactoe_env_server.py), the mcp_tools fixture's tools
  (Tests/Fixtures/python/mcp_tools_env_server.py), and a "zoo" of field kinds defined here: Literal,
  str and int Enums, Optional, nested models, lists of models, dicts, constr patterns,
  conint multiple_of, confloat bounds, unions (plain and discriminated), tuples, sets,
  datetime/UUID/Decimal, a recursive model, aliases, extra="allow" and extra="ignore".

With `--synthesized` it instead reads Fixtures/synthesized.json (the values EnvSchema's
`SchemaSynthesizer` writes for every fixture schema, recorded by
`RECORD_SNAPSHOTS=1 swift test --filter EnvSchemaTests`) and adds pydantic's verdict to each
value (`pydantic_valid`), so the Swift tests can check that pydantic accepts every
synthesized valid value and rejects every invalid variant.

Deterministic: re-running with the same versions rewrites the same bytes.
"""

import asyncio
import datetime as dt
import importlib.util
import json
import os
import sys
import uuid
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Annotated, Any, Dict, List, Literal, Optional, Set, Tuple, Union

import pydantic
import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, conint, constr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIXTURE_SERVERS = os.path.join(ROOT, "Tests", "Fixtures", "python")
OUT = os.path.join(HERE, "pydantic-fixtures.json")


def load(name: str):
    """Import a fixture server's module by file name (the fixture servers build their app at import)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(FIXTURE_SERVERS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# ---- the zoo: one field of each kind pydantic maps to a different JSON Schema shape -------


class Color(str, Enum):
    red = "red"
    green = "green"


class Level(IntEnum):
    low = 1
    high = 2


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: constr(pattern=r"^[A-Z]{3}-\d{4}$")
    qty: conint(ge=5, multiple_of=5) = 5
    price: float = Field(gt=0, lt=1000)


class Cat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    species: Literal["cat"]
    lives: int = Field(ge=0, le=9)


class Dog(BaseModel):
    model_config = ConfigDict(extra="forbid")

    species: Literal["dog"]
    good: bool = True


class Zoo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["zoo"]
    mode: Literal["a", "b", "c"] = "a"
    color: Color
    level: Level = Level.low
    note: Optional[str] = None
    maybe_n: Optional[int]
    items: List[Item] = Field(default_factory=list, max_length=3)
    tags: Set[str] = Field(default_factory=set)
    counts: Dict[str, int] = Field(default_factory=dict)
    extras: Dict[str, Any] = Field(default_factory=dict)
    pair: Optional[Tuple[int, str]] = None
    rest: Tuple[float, ...] = ()
    choice: Union[int, str] = 0
    pet: Optional[Annotated[Union[Cat, Dog], Field(discriminator="species")]] = None
    ratio: float = Field(default=0.0, ge=0, le=1, multiple_of=0.1)
    hex_id: constr(pattern=r"^[0-9a-f]{12}$") = "0123456789ab"
    code: str = Field(default="ab", min_length=2, max_length=4)
    small: conint(gt=-10, lt=10) = 0
    labels: Dict[str, str] = Field(default_factory=lambda: {"k": "v"}, min_length=1, max_length=2)
    flag: StrictBool = False
    when: Optional[dt.datetime] = None
    uid: Optional[uuid.UUID] = None
    amount: Optional[Decimal] = None


class StrictItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: constr(pattern=r"^[A-Z]{3}-\d{4}$")
    qty: conint(ge=7, multiple_of=5)
    price: float = Field(gt=0, lt=1000)


class AllRequired(BaseModel):
    """Every field kind of Zoo, required and constrained: what the synthesizer must write."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["a", "b", "c"]
    color: Color
    level: Level
    maybe_n: Optional[conint(ge=3)]
    items: List[StrictItem] = Field(min_length=2)
    tags: Set[constr(min_length=3)] = Field(min_length=2)
    counts: Dict[str, conint(le=-5)] = Field(min_length=1)
    pair: Tuple[conint(gt=10), constr(pattern=r"^(yes|no)$")]
    rest: Tuple[float, ...] = Field(min_length=1)
    choice: Union[conint(lt=0), constr(max_length=1)]
    pet: Annotated[Union[Cat, Dog], Field(discriminator="species")]
    ratio: float = Field(gt=0.2, le=1, multiple_of=0.1)
    hex_id: constr(pattern=r"^[0-9a-f]{12}$")
    code: str = Field(min_length=5, max_length=6)
    small: conint(gt=-10, lt=-3)
    flag: StrictBool
    when: dt.datetime
    day: dt.date
    uid: uuid.UUID
    amount: Decimal
    tree: "TreeNode"
    anything: Any


class TreeNode(BaseModel):
    value: int
    children: List["TreeNode"] = Field(default_factory=list)


class Aliased(BaseModel):
    model_config = ConfigDict(extra="forbid")

    camel: int = Field(alias="camelCase")


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str


class Ignoring(BaseModel):
    # pydantic's default extra="ignore": no additionalProperties in the schema.
    name: str
    size: int = 0


# ---- instances ----------------------------------------------------------------------

ZOO_OK = '{"kind":"zoo","color":"red","maybe_n":null}'


def zoo(**fields: Any) -> str:
    base = json.loads(ZOO_OK)
    for key, value in fields.items():
        if value is DROP:
            base.pop(key, None)
        else:
            base[key] = value
    return json.dumps(base, separators=(",", ":"))


DROP = object()

ZOO_INSTANCES = [
    ZOO_OK,
    zoo(kind=DROP),
    zoo(kind="park"),
    zoo(mode="b"),
    zoo(mode="d"),
    zoo(color="blue"),
    zoo(color=1),
    zoo(level=2),
    zoo(level=3),
    zoo(level="1"),
    zoo(note="hi"),
    zoo(note=5),
    zoo(maybe_n=DROP),
    zoo(maybe_n=3),
    '{"kind":"zoo","color":"red","maybe_n":3.0}',
    zoo(maybe_n=3.5),
    zoo(maybe_n="3"),
    zoo(maybe_n=True),
    zoo(items=[{"sku": "ABC-1234", "price": 9.5}]),
    zoo(items=[{"sku": "ABC-1234", "price": 9.5, "qty": 10}]),
    zoo(items=[{"sku": "ABC-1234", "price": 9.5, "qty": 7}]),
    zoo(items=[{"sku": "ABC-1234", "price": 9.5, "qty": 0}]),
    zoo(items=[{"sku": "abc-1234", "price": 9.5}]),
    zoo(items=[{"sku": "ABC-12345", "price": 9.5}]),
    zoo(items=[{"sku": "ABC-1234", "price": 0}]),
    zoo(items=[{"sku": "ABC-1234", "price": 1000}]),
    zoo(items=[{"sku": "ABC-1234"}]),
    zoo(items=[{"sku": "ABC-1234", "price": 1, "extra": 1}]),
    zoo(items=[{"sku": "ABC-0001", "price": 1}] * 4),
    zoo(items={"sku": "ABC-1234", "price": 1}),
    zoo(tags=["a", "b"]),
    zoo(tags=["a", "a"]),
    zoo(tags=[1]),
    zoo(counts={"a": 1, "b": 2}),
    zoo(counts={"a": "x"}),
    zoo(counts=[]),
    zoo(extras={"any": [1, {"x": None}]}),
    zoo(pair=[1, "x"]),
    zoo(pair=["x", 1]),
    zoo(pair=[1]),
    zoo(pair=[1, "x", 2]),
    zoo(rest=[1, 2.5, -3]),
    zoo(rest=[1, "x"]),
    zoo(choice="s"),
    zoo(choice=2),
    zoo(choice=2.5),
    zoo(choice=None),
    zoo(pet={"species": "cat", "lives": 9}),
    zoo(pet={"species": "cat", "lives": 10}),
    zoo(pet={"species": "dog"}),
    zoo(pet={"species": "dog", "good": "very"}),
    zoo(pet={"species": "cow"}),
    zoo(pet={"lives": 1}),
    zoo(ratio=0.3),
    zoo(ratio=0.7),
    zoo(ratio=1),
    zoo(ratio=0.35),
    zoo(ratio=1.1),
    zoo(hex_id="deadbeef0000"),
    zoo(hex_id="DEADBEEF0000"),
    zoo(hex_id="deadbeef00001"),
    zoo(hex_id="deadbeef000\n"),
    zoo(code="abcd"),
    zoo(code="a"),
    zoo(code="abcde"),
    zoo(code="\u00e9\u00e9"),
    zoo(small=9),
    zoo(small=10),
    zoo(small=-10),
    zoo(labels={}),
    zoo(labels={"a": "1", "b": "2", "c": "3"}),
    zoo(flag=True),
    zoo(flag=1),
    zoo(flag="true"),
    zoo(when="2024-01-02T03:04:05Z"),
    zoo(when="not a date"),
    zoo(uid="12345678-1234-5678-1234-567812345678"),
    zoo(uid="nope"),
    zoo(amount=1.5),
    zoo(amount="1.50"),
    zoo(amount="+."),
    zoo(amount="abc"),
    zoo(unknown=1),
    "[]",
    "null",
]

MODELS: List[Dict[str, Any]] = []
# name -> pydantic model, for verdicts on values written by the Swift synthesizer
REGISTRY: Dict[str, type] = {}
# name -> FastMCP tool name
TOOLS: Dict[str, str] = {}


def add_model(name: str, source: str, model: type, instances: List[str], notes: Optional[Dict[str, str]] = None) -> None:
    REGISTRY[name] = model
    entries = []
    for text in instances:
        entry: Dict[str, Any] = {"json": text}
        try:
            model.model_validate(json.loads(text))
            entry["valid"] = True
        except ValidationError as e:
            entry["valid"] = False
            entry["errors"] = [{"type": x["type"], "loc": list(x["loc"]), "msg": x["msg"]} for x in e.errors()]
        try:
            model.model_validate_json(text)
            entry["valid_json_mode"] = True
        except ValidationError:
            entry["valid_json_mode"] = False
        if notes and text in notes:
            entry["note"] = notes[text]
        entries.append(entry)
    MODELS.append({
        "name": name,
        "source": source,
        "verdict_by": "model_validate(json.loads(text))",
        "schema": model.model_json_schema(),
        "instances": entries,
    })


async def add_tools(source: str, server: Any, instances: Dict[str, List[str]]) -> None:
    import fastmcp
    from fastmcp.exceptions import ToolError

    async with fastmcp.Client(server) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
        for name in sorted(instances):
            entries = []
            for text in instances[name]:
                entry: Dict[str, Any] = {"json": text}
                try:
                    await client.call_tool(name, json.loads(text))
                    entry["valid"] = True
                except ToolError as e:
                    entry["valid"] = False
                    entry["errors"] = [{"type": "tool_error", "loc": [], "msg": " / ".join(str(e).split("\n")[0:3])}]
                entry["valid_json_mode"] = None
                entries.append(entry)
            TOOLS[f"mcp_tools.{name}"] = name
            MODELS.append({
                "name": f"mcp_tools.{name}",
                "source": source,
                "verdict_by": "fastmcp Client.call_tool(name, json.loads(text))",
                "schema": tools[name].inputSchema,
                "instances": entries,
            })


def pydantic_verdict(name: str, value: Any) -> bool:
    try:
        REGISTRY[name].model_validate(value)
        return True
    except ValidationError:
        return False


async def tool_verdicts(server: Any, asks: List[Tuple[str, Any]]) -> List[bool]:
    import fastmcp
    from fastmcp.exceptions import ToolError

    verdicts = []
    async with fastmcp.Client(server) as client:
        for tool, arguments in asks:
            try:
                await client.call_tool(tool, arguments)
                verdicts.append(True)
            except ToolError:
                verdicts.append(False)
    return verdicts


def fill_synthesized(path: str, tools_server: Any) -> int:
    """Add pydantic's verdict to every value in the Swift synthesizer's snapshot."""
    with open(path) as f:
        document = json.load(f)
    entries = []
    for model in document["models"]:
        values = ([model["valid"]] if model.get("valid") else []) + model.get("invalid", [])
        entries.extend((model["name"], v) for v in values)
    asks = [(TOOLS[name], v["value"]) for name, v in entries if name in TOOLS]
    tool_results = iter(asyncio.run(tool_verdicts(tools_server, asks)))
    for name, v in entries:
        v["pydantic_valid"] = next(tool_results) if name in TOOLS else pydantic_verdict(name, v["value"])
    document["verdicts_by"] = "Tests/EnvSchemaTests/Fixtures/generate.py --synthesized"
    with open(path, "w") as f:
        json.dump(document, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    wrong = [(n, v) for n, v in entries if v["pydantic_valid"] != ("kind" not in v)]
    print(f"{os.path.relpath(path, ROOT)}: {len(entries)} values, {len(wrong)} where pydantic disagrees with the synthesizer")
    for name, v in wrong:
        print(f"  {name}: {v.get('kind', 'valid')} {json.dumps(v['value'])}")
    return 0


def main() -> int:
    import argparse
    import logging

    parser = argparse.ArgumentParser(description="Write pydantic-fixtures.json (default), or add pydantic's "
                                     "verdicts to the synthesizer snapshot.")
    parser.add_argument("--synthesized", metavar="FILE", nargs="?", const=os.path.join(HERE, "synthesized.json"),
                        help="fill in pydantic_valid in FILE (default Fixtures/synthesized.json, written by "
                        "RECORD_SNAPSHOTS=1 swift test --filter EnvSchemaTests)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # FastMCP logs every rejected call
    os.environ.setdefault("PORT", "8000")
    bench = load("benchmark_env_server")
    ttt = load("tictactoe_env_server")
    tools = load("mcp_tools_env_server")
    from openenv.core.env_server.mcp_types import (
        CallToolAction,
        CallToolObservation,
        ListToolsAction,
        ListToolsObservation,
    )
    from openenv.core.env_server.types import Action, Observation, State

    bench_src = "Tests/Fixtures/python/benchmark_env_server.py"
    add_model("benchmark.BenchmarkAction", bench_src, bench.BenchmarkAction, [
        "{}", '{"wait_seconds":0.1}', '{"wait_seconds":0}', '{"wait_seconds":-1}', '{"wait_seconds":"abc"}',
        '{"wait_seconds":"0.5"}', '{"wait_seconds":true}', '{"wait_seconds":null}', '{"bogus":1}',
        '{"metadata":{"k":1}}', '{"metadata":[]}', "[]",
    ])
    add_model("benchmark.BenchmarkObservation", bench_src, bench.BenchmarkObservation, [
        '{"metadata":{},"waited_seconds":0.0,"pid":17655,"session_hash":"1c268630e75e","host_url":"vm:8000","step_count":0}',
        '{"waited_seconds":0.1,"pid":1,"session_hash":"x","host_url":"h:1","step_count":1,"done":false,"reward":null}',
        '{"step_count":"1"}', '{"step_count":1.5}', '{"pid":null}', '{"reward":true}', '{"reward":0.5}',
        '{"reward":"high"}', '{"done":null}', '{"session_hash":12}', '{"extra_field":1}',
    ])
    openenv_src = "openenv 0.10.0 openenv/core/env_server/types.py, mcp_types.py"
    add_model("openenv.Action", openenv_src, Action, ["{}", '{"metadata":{"a":[1]}}', '{"metadata":null}', '{"x":1}'])
    add_model("openenv.Observation", openenv_src, Observation, [
        "{}", '{"done":true,"reward":1,"metadata":{"status":"ready"}}', '{"reward":false}', '{"reward":[1]}',
        '{"done":"yes"}', '{"done":"maybe"}', '{"tool_name":"x"}',
    ])
    add_model("openenv.State", openenv_src, State, [
        '{"episode_id":"e","step_count":3}', '{"episode_id":null}', '{"step_count":-1}', '{"step_count":"2"}',
        '{"board":[[""]],"anything":true}', '{"episode_id":5}',
    ])
    add_model("openenv.CallToolAction", openenv_src, CallToolAction, [
        '{"tool_name":"echo_message","arguments":{"message":"Hi"}}', '{"type":"call_tool","tool_name":"x"}',
        '{"tool_name":"x","arguments":{}}', '{"arguments":{}}', '{"tool_name":1}', '{"tool_name":"x","arguments":[]}',
        '{"type":"list_tools"}', '{"tool_name":"x","extra":1}', '{"tool_name":"x","metadata":{"trace":"t"}}',
    ], notes={
        '{"type":"list_tools"}': "invalid for the model, but openenv's deserialize_action routes "
        "type=list_tools to ListToolsAction before CallToolAction sees it: the server answers 200",
    })
    add_model("openenv.ListToolsAction", openenv_src, ListToolsAction, [
        "{}", '{"type":"list_tools"}', '{"type":"call_tool"}', '{"tool_name":"x"}',
    ])
    add_model("openenv.CallToolObservation", openenv_src, CallToolObservation, [
        '{"metadata":{},"tool_name":"echo_message","result":{"content":[],"data":"Hi"},"error":null}',
        '{"tool_name":"nope","error":{"error_type":"tool_not_found","message":"Unknown tool: \'nope\'"}}',
        '{"tool_name":"x","error":{"error_type":"crash","message":"m"}}', '{"tool_name":"x","error":{"message":"m"}}',
        '{"tool_name":"x","error":{"error_type":"timeout","message":"m","extra":1}}', '{"metadata":{}}',
        '{"tool_name":"x","result":[1,"any",null]}', '{"tool_name":"x","reward":"r"}',
    ], notes={
        '{"metadata":{}}': "openenv 0.10 publishes this schema as reset_observation for MCP envs, yet an MCP "
        "env's reset returns exactly this bare Observation (PROTOCOL-0.10.md §4.3): the schema rejects the real reset",
    })
    add_model("openenv.ListToolsObservation", openenv_src, ListToolsObservation, [
        '{"tools":[{"name":"echo_message","description":"d","input_schema":{"type":"object"}}]}',
        '{"tools":[]}', "{}", '{"tools":[{"name":"x"}]}', '{"tools":[{"name":"x","description":"d","input_schema":[]}]}',
    ])

    ttt_src = "Tests/Fixtures/python/tictactoe_env_server.py"
    empty = [["", "", ""], ["", "", ""], ["", "", ""]]
    add_model("tictactoe.TicTacToeAction", ttt_src, ttt.TicTacToeAction, [
        '{"cell":0}', '{"cell":8}', '{"cell":4.0}', '{"cell":9}', '{"cell":-1}', '{"cell":4.5}', '{"cell":"4"}',
        '{"cell":"four"}', '{"cell":true}', '{"cell":null}', "{}", '{"cell":1,"row":0}', '{"cell":1e0}',
    ])
    add_model("tictactoe.TicTacToeObservation", ttt_src, ttt.TicTacToeObservation, [
        json.dumps({"metadata": {}, "board": empty, "legal_moves": list(range(9)), "current_player": "X",
                    "winner": None, "last_moves": [], "move_count": 0}, separators=(",", ":")),
        json.dumps({"board": [["O", "O", "X"], ["", "X", ""], ["X", "", ""]], "legal_moves": [], "winner": "X",
                    "last_moves": [{"player": "X", "cell": 6, "row": 2, "col": 0}], "move_count": 5, "done": True,
                    "reward": 1.0}, separators=(",", ":")),
        '{"board":[["","",""],["","",""]]}', '{"board":[["","",""],["","",""],["","","","X"]]}',
        '{"board":[["","",""],["","",""],["","","Z"]]}', '{"board":[["","",""],["","",""],["","",1]]}',
        '{"winner":"draw"}', '{"winner":"nobody"}', '{"winner":null}', '{"legal_moves":[1,"2"]}',
        '{"last_moves":[{"player":"X","cell":9,"row":0,"col":0}]}', '{"last_moves":[{"player":"X","cell":1}]}',
        '{"last_moves":[{"player":"Z","cell":1,"row":0,"col":1}]}',
        '{"last_moves":[{"player":"X","cell":1,"row":0,"col":1,"by":"me"}]}', '{"move_count":10}',
        '{"current_player":""}', '{"done":true,"reward":-1.0}', '{"score":1}',
    ])
    add_model("tictactoe.TicTacToeState", ttt_src, ttt.TicTacToeState, [
        '{"episode_id":"e","step_count":3,"board":[["X","",""],["","",""],["","","O"]],"winner":null}',
        '{"board":[["X"]]}', '{"winner":"O","extra":[1]}', '{"winner":"Y"}',
    ])

    add_model("zoo.Zoo", "Tests/EnvSchemaTests/Fixtures/generate.py", Zoo, ZOO_INSTANCES)
    AllRequired.model_rebuild()
    add_model("zoo.AllRequired", "Tests/EnvSchemaTests/Fixtures/generate.py", AllRequired, [
        json.dumps({"mode": "b", "color": "green", "level": 2, "maybe_n": None,
                    "items": [{"sku": "XYZ-0001", "qty": 10, "price": 0.5}, {"sku": "XYZ-0002", "qty": 15, "price": 999.9}],
                    "tags": ["abc", "def"], "counts": {"x": -5}, "pair": [11, "no"], "rest": [1.5], "choice": "z",
                    "pet": {"species": "dog"}, "ratio": 0.3, "hex_id": "00000000abcd", "code": "abcde", "small": -4,
                    "flag": True, "when": "2024-05-06T07:08:09+02:00", "day": "2024-05-06",
                    "uid": "12345678-1234-5678-1234-567812345678", "amount": "12.5", "tree": {"value": 1}, "anything": [None]},
                   separators=(",", ":")),
        '{"mode":"b"}',
    ])
    add_model("zoo.TreeNode", "Tests/EnvSchemaTests/Fixtures/generate.py", TreeNode, [
        '{"value":1}', '{"value":1,"children":[{"value":2,"children":[{"value":3}]}]}',
        '{"value":1,"children":[{"value":2,"children":[{"value":"x"}]}]}', '{"value":1,"children":[{}]}',
        '{"value":1,"children":[{"value":2}],"extra":"ignored"}', '{"children":[]}',
    ])
    add_model("zoo.Aliased", "Tests/EnvSchemaTests/Fixtures/generate.py", Aliased, [
        '{"camelCase":1}', '{"camel":1}', '{"camelCase":"x"}',
    ])
    add_model("zoo.Loose", "Tests/EnvSchemaTests/Fixtures/generate.py", Loose, [
        '{"name":"n"}', '{"name":"n","more":[1,2]}', '{"more":1}', '{"name":3}',
    ])
    add_model("zoo.Ignoring", "Tests/EnvSchemaTests/Fixtures/generate.py", Ignoring, [
        '{"name":"n"}', '{"name":"n","ignored":true}', '{"name":"n","size":"big"}', "{}",
    ])

    asyncio.run(add_tools("Tests/Fixtures/python/mcp_tools_env_server.py", tools._tools(), {
        "add": ['{"a":1,"b":2}', '{"a":-3,"b":0}', '{"a":1}', '{"a":"x","b":1}', '{"a":1.5,"b":1}',
                '{"a":1.0,"b":1}', '{"a":"1","b":1}', '{"a":true,"b":1}', '{"a":1,"b":2,"c":3}', "{}"],
        "lookup": ['{"key":"ap"}', '{"key":"ap","options":{"limit":2}}', '{"key":"ap","options":{"case_sensitive":true}}',
                   '{"key":""}', '{"key":3}', '{"key":"a","options":{"limit":0}}', '{"key":"a","options":{"limit":11}}',
                   '{"key":"a","options":{"limit":"2"}}', '{"key":"a","options":{"bogus":1}}',
                   '{"key":"a","options":null}', '{"options":{}}'],
    }))

    if args.synthesized:
        return fill_synthesized(args.synthesized, tools._tools())

    document = {
        "generator": "Tests/EnvSchemaTests/Fixtures/generate.py",
        "versions": {
            "python": sys.version.split()[0],
            "pydantic": pydantic.VERSION,
            "pydantic_core": pydantic_core.__version__,
            "openenv": importlib.metadata.version("openenv"),
            "fastmcp": importlib.metadata.version("fastmcp"),
        },
        "models": MODELS,
    }
    with open(OUT, "w") as f:
        json.dump(document, f, indent=1, ensure_ascii=False)
        f.write("\n")
    total = sum(len(m["instances"]) for m in MODELS)
    valid = sum(1 for m in MODELS for i in m["instances"] if i["valid"])
    print(f"wrote {os.path.relpath(OUT, ROOT)}: {len(MODELS)} schemas, {total} instances ({valid} valid)")
    return 0


if __name__ == "__main__":
    import importlib.metadata

    sys.exit(main())
