"""Smoke-test the issue-14 fixture environments live and print a short markdown transcript
(the transcript part of Tests/Fixtures/python/FIXTURES.md).

Usage (0.10 venv; start the servers first, e.g.
  FIXTURE=tictactoe OPENENV_REFERENCE=0.10 PORT=18311 ci/start-reference-server /tmp/t/s.pid
  FIXTURE=mcp_tools OPENENV_REFERENCE=0.10 PORT=18312 ci/start-reference-server /tmp/m/s.pid):

  python tools/reference/fixtures_transcript.py --tictactoe http://127.0.0.1:18311 \
      --mcp-tools http://127.0.0.1:18312 [--out FILE]

Every request and frame has a timeout; exit 1 when an answer is not the expected one (each
check is printed as `check: ... ok|FAILED`). UUIDs and ports are replaced by placeholders so
re-runs print the same text.
"""

import argparse
import asyncio
import json
import re
import sys
import urllib.error
import urllib.request
from typing import Any, List, Optional, Tuple

import websockets

OUT: List[str] = []
FAILED: List[str] = []
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # ignore *_proxy
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def norm(text: str) -> str:
    return UUID.sub("<uuid>", text)


def emit(line: str = "") -> None:
    OUT.append(line)


def check(what: str, ok: bool) -> None:
    emit(f"check: {what}: {'ok' if ok else 'FAILED'}")
    if not ok:
        FAILED.append(what)


def http(base: str, method: str, path: str, body: Any = None) -> Tuple[int, str, str]:
    data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    try:
        with OPENER.open(req, timeout=10) as r:
            status, ctype, text = r.status, r.headers.get("content-type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        status, ctype, text = e.code, e.headers.get("content-type", ""), e.read().decode()
    shown = "" if body is None else " `" + json.dumps(body, separators=(",", ":")) + "`"
    emit(f"##### `{method} {path}`{shown}")
    emit(f"{status}; content-type: {ctype}")
    emit("```json" if ctype.startswith("application/json") else "```text")
    emit(norm(text))
    emit("```")
    return status, ctype, text


def rpc(base: str, method: str, params: Optional[dict] = None, rid: int = 1) -> dict:
    payload: dict = {"jsonrpc": "2.0", "method": method, "id": rid}
    if params is not None:
        payload["params"] = params
    _, _, text = http(base, "POST", "/mcp", payload)
    return json.loads(text)


class Session:
    """One /ws session whose frames are recorded as `→` / `←` lines."""

    def __init__(self, base: str) -> None:
        self.url = base.replace("http://", "ws://") + "/ws"
        self.lines: List[str] = []

    async def __aenter__(self) -> "Session":
        self.ws = await asyncio.wait_for(websockets.connect(self.url, max_size=None), 10)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.ask({"type": "close"}, reply=False)
        try:
            await asyncio.wait_for(self.ws.wait_closed(), 5)
        except asyncio.TimeoutError:
            pass
        self.lines.append(f"← close {self.ws.close_code}")
        emit("```text")
        OUT.extend(norm(line) for line in self.lines)
        emit("```")

    async def ask(self, message: dict, reply: bool = True) -> Optional[dict]:
        text = json.dumps(message, separators=(",", ":"))
        self.lines.append("→ " + text)
        await self.ws.send(text)
        if not reply:
            return None
        answer = await asyncio.wait_for(self.ws.recv(), 10)
        self.lines.append("← " + answer)
        return json.loads(answer)


async def tictactoe(base: str) -> None:
    emit("### tictactoe (`Tests/Fixtures/python/tictactoe_env_server.py`)")
    emit()
    emit("#### Discovery and HTTP (stateless: every HTTP step is the first move on an empty board)")
    _, _, schema = http(base, "GET", "/schema")
    keys = list(json.loads(schema))
    check("/schema keys action, observation, state, reset_observation", keys == ["action", "observation", "state", "reset_observation"])
    http(base, "GET", "/state")
    status, _, _ = http(base, "POST", "/reset", {})
    check("POST /reset → 200", status == 200)
    status, _, text = http(base, "POST", "/step", {"action": {"cell": 4}})
    check("POST /step cell 4 → 200, O answers on cell 0", status == 200 and json.loads(text)["observation"]["board"][0][0] == "O")
    for bad in [{"cell": 9}, {"cell": "x"}, {}, {"cell": 1, "foo": 1}]:
        status, _, _ = http(base, "POST", "/step", {"action": bad})
        check(f"POST /step {json.dumps(bad)} → 422", status == 422)
    for lax in [{"cell": True}, {"cell": "3"}]:
        status, _, _ = http(base, "POST", "/step", {"action": lax})
        check(f"POST /step {json.dumps(lax)} → 200 (pydantic lax mode coerces it; JSON Schema says invalid)", status == 200)
    emit()
    emit("#### WebSocket: a won game, an occupied cell, a move after the end, a schema violation")
    async with Session(base) as s:
        await s.ask({"type": "reset", "data": {}})
        first = await s.ask({"type": "step", "data": {"cell": 4}})
        occupied = await s.ask({"type": "step", "data": {"cell": 0}})
        check("occupied cell → EXECUTION_ERROR", occupied["type"] == "error" and occupied["data"]["code"] == "EXECUTION_ERROR")
        await s.ask({"type": "step", "data": {"cell": 2}})
        last = await s.ask({"type": "step", "data": {"cell": 6}})
        data = last["data"]
        check("X wins on 2-4-6: reward 1.0, done, winner X, no legal moves",
              data["reward"] == 1.0 and data["done"] is True and data["observation"]["winner"] == "X"
              and data["observation"]["legal_moves"] == [])
        after = await s.ask({"type": "step", "data": {"cell": 8}})
        check("move after the end → EXECUTION_ERROR", after["data"]["code"] == "EXECUTION_ERROR")
        invalid = await s.ask({"type": "step", "data": {"cell": -1}})
        check("cell -1 → VALIDATION_ERROR", invalid["data"]["code"] == "VALIDATION_ERROR")
        state = await s.ask({"type": "state"})
        check("session survives the errors; state counts the 3 legal steps",
              state["type"] == "state" and state["data"]["step_count"] == 3)
        check("first step is an observation", first["type"] == "observation")
    emit()


async def mcp_tools(base: str) -> None:
    emit("### mcp_tools (`Tests/Fixtures/python/mcp_tools_env_server.py`)")
    emit()
    emit("#### Discovery and HTTP")
    _, _, schema = http(base, "GET", "/schema")
    served = json.loads(schema)
    check("reset_observation is the plain Observation schema (reset_observation_cls=Observation)",
          served["reset_observation"]["title"] == "Observation" and served["observation"]["title"] == "CallToolObservation")
    status, _, _ = http(base, "POST", "/reset", {})
    check("POST /reset → 200", status == 200)
    emit()
    emit("#### HTTP `/mcp`")
    listed = rpc(base, "tools/list", rid=1)
    tools = listed["result"]["tools"]
    check("tools/list lists add and lookup", [t["name"] for t in tools] == ["add", "lookup"])
    added = rpc(base, "tools/call", {"name": "add", "arguments": {"a": 2, "b": 40}}, rid=2)
    check("add(2, 40) → data 42", added["result"]["data"] == 42)
    found = rpc(base, "tools/call", {"name": "lookup", "arguments": {"key": "ap", "options": {"limit": 2}}}, rid=3)
    check("lookup('ap', limit 2) → Apple, apricot", found["result"]["data"] == ["Apple", "apricot"])
    found = rpc(base, "tools/call", {"name": "lookup", "arguments": {"key": "Grape", "options": {"case_sensitive": True}}}, rid=4)
    check("lookup('Grape', case_sensitive) → Grapefruit", found["result"]["data"] == ["Grapefruit"])
    for rid, (name, args) in enumerate([("add", {"a": 1}), ("add", {"a": "x", "b": 1}), ("add", {"a": 1, "b": 2, "c": 3}),
                                        ("lookup", {"key": ""}), ("lookup", {"key": "a", "options": {"limit": 0}}),
                                        ("nope", {})], start=5):
        answer = rpc(base, "tools/call", {"name": name, "arguments": args}, rid=rid)
        check(f"tools/call {name} {json.dumps(args)} → -32603", answer.get("error", {}).get("code") == -32603)
    emit()
    emit("#### As step actions (HTTP `/step` and WebSocket)")
    status, _, text = http(base, "POST", "/step", {"action": {"tool_name": "add", "arguments": {"a": 1, "b": 2}}})
    check("HTTP step call_tool add → 200, result.data 3", status == 200 and json.loads(text)["observation"]["result"]["data"] == 3)
    status, _, _ = http(base, "POST", "/step", {"action": {"arguments": {}}})
    check("HTTP step without tool_name → 422", status == 422)
    async with Session(base) as s:
        await s.ask({"type": "reset", "data": {}})
        step = await s.ask({"type": "step", "data": {"type": "call_tool", "tool_name": "lookup", "arguments": {"key": "berry"}}})
        check("WS step lookup('berry') → blueberry", step["data"]["observation"]["result"]["data"] == ["blueberry"])
        bad = await s.ask({"type": "step", "data": {"tool_name": "add", "arguments": {"a": 1}}})
        check("WS step add(a=1) → observation with error invalid_args",
              bad["type"] == "observation" and bad["data"]["observation"]["error"]["error_type"] == "invalid_args")
        over = await s.ask({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/call",
                                                    "params": {"name": "add", "arguments": {"a": -5, "b": 5}}, "id": 9}})
        check("WS mcp tools/call add(-5, 5) → 0", over["data"]["result"]["data"] == 0)
        state = await s.ask({"type": "state"})
        check("state counts the 2 steps, not the mcp call", state["data"]["step_count"] == 2)
    emit()


async def main_async(args: argparse.Namespace) -> None:
    if args.tictactoe:
        await tictactoe(args.tictactoe.rstrip("/"))
    if args.mcp_tools:
        await mcp_tools(args.mcp_tools.rstrip("/"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tictactoe", help="base URL of a running tictactoe fixture")
    parser.add_argument("--mcp-tools", help="base URL of a running mcp_tools fixture")
    parser.add_argument("--out", help="write the markdown here instead of stdout")
    args = parser.parse_args()
    asyncio.run(asyncio.wait_for(main_async(args), 120))
    text = "\n".join(OUT) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if FAILED:
        print(f"{len(FAILED)} check(s) failed: {FAILED}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
