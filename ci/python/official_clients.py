"""Drive a server with the official Python clients of the venv's release (openenv-core 0.3.0 or
openenv 0.10.0), checking every answer (ci/cross-check).

Usage: python ci/python/official_clients.py URL [--capacity-url URL2 | --generic-only]

  URL: a server of the benchmark env or of the MCP echo env; --capacity-url: one of capacity 2, free.
  (a), (b) GenericEnvClient, async and through .sync(): reset, step {"wait_seconds":0.1},
      state, close (benchmark env only).
  (c) MCPToolClient (0.10): session/create over POST /mcp, reset and state over the attached
      /ws, tools/list and tools/call, then the detach and session/close; every /mcp exchange is
      recorded and checked. On the benchmark env tools/list answers -32603 "Environment does
      not support MCP", which list_tools() swallows into []: exactly that is accepted.
  (d) capacity 2: a plain /ws session plus an MCPToolClient fit (the attach takes no slot), a
      third session is refused with CAPACITY_REACHED 2/2 and admitted once the MCP client closed.
Exit 1 on the first failure.
"""

import argparse
import asyncio
import json
import re
import sys
import time
import urllib.request
from typing import Any, Dict, List

import websockets
from openenv.core.generic_client import GenericEnvClient
from openenv.core.mcp_client import MCPClientBase, MCPToolClient

WAIT = 0.1
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NO_MCP = {"code": -32603, "message": "Environment does not support MCP", "data": None}


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def show(label: str, value: Any) -> None:
    print(f"  {label:12} {json.dumps(value, sort_keys=True, default=str)}")


def get_json(url: str) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as r:
        return json.loads(r.read())


# ---- recording MCPToolClient's HTTP /mcp traffic ------------------------------------

MCP_LOG: List[Dict[str, Any]] = []


def record_mcp_requests() -> None:
    real_request = MCPClientBase._production_mcp_request

    async def recording_request(self, method: str, params=None):
        try:
            response = await real_request(self, method, params)
        except Exception as e:
            MCP_LOG.append({"method": method, "params": params or {}, "exception": repr(e)})
            raise
        MCP_LOG.append({"method": method, "params": params or {}, "response": response})
        return response

    MCPClientBase._production_mcp_request = recording_request


def recorded(method: str) -> List[Dict[str, Any]]:
    return [e for e in MCP_LOG if e["method"] == method]


def check_result(label: str, r, step_count: int) -> Dict[str, Any]:
    """What a reset or a step of the benchmark env returns; its observation."""
    metadata = getattr(r, "metadata", None)  # StepResult.metadata: 0.10 only
    show(label, {"observation": r.observation, "reward": r.reward, "done": r.done, "metadata": metadata})
    check(r.observation.get("step_count") == step_count, f"{label}: step_count != {step_count}")
    check(r.reward is None and r.done is False, f"{label}: reward/done not None/False")
    check(metadata is None, f"{label}: StepResult.metadata is not None")
    return r.observation


def check_reset(r) -> Dict[str, Any]:
    obs = check_result("reset", r, 0)
    check(re.fullmatch(r"[0-9a-f]{12}", str(obs.get("session_hash"))) is not None,
          "reset: session_hash is not 12 lowercase hex chars")
    return obs


def check_step(r, obs0: Dict[str, Any], elapsed: float) -> None:
    obs = check_result("step", r, 1)
    check(abs(obs.get("waited_seconds", -1) - WAIT) < 1e-9, "step: waited_seconds != 0.1")
    check(elapsed >= WAIT * 0.95, f"step: answered after {elapsed:.3f}s < {WAIT}s")
    check(obs.get("session_hash") == obs0["session_hash"], "step: session_hash changed")


def check_state(s) -> None:
    show("state", s)
    check(s.get("step_count") == 1, "state: step_count != 1")
    check(isinstance(s.get("episode_id"), str), "state: episode_id not a string")


async def generic_async(url: str) -> None:
    print("(a) GenericEnvClient async: reset, step, state, close")
    async with GenericEnvClient(base_url=url) as client:
        obs0 = check_reset(await client.reset())
        t0 = time.monotonic()
        r = await client.step({"wait_seconds": WAIT})
        check_step(r, obs0, time.monotonic() - t0)
        check_state(await client.state())
    # __aexit__ ran close(): {"type":"close"}, then a close frame


def generic_sync(url: str) -> None:
    print("(b) GenericEnvClient sync (.sync()): reset, step, state, close")
    with GenericEnvClient(base_url=url).sync() as client:
        obs0 = check_reset(client.reset())
        t0 = time.monotonic()
        r = client.step({"wait_seconds": WAIT})
        check_step(r, obs0, time.monotonic() - t0)
        check_state(client.state())


def check_session_create() -> str:
    creates = recorded("openenv/session/create")
    check(len(creates) == 1, f"expected 1 session/create, saw {len(creates)}")
    resp = creates[-1]["response"]
    show("POST /mcp", {"sent": {"method": "openenv/session/create",
                                "params": creates[-1]["params"]}, "got": resp})
    check(set(resp) == {"jsonrpc", "id", "result"}, f"session/create: keys {sorted(resp)}")
    check(set(resp["result"]) == {"session_id"}, "session/create: result is not {session_id}")
    sid = resp["result"]["session_id"]
    check(UUID.fullmatch(sid) is not None, f"session/create: session_id {sid!r} not a uuid4")
    return sid


def check_session_close(sid: str) -> None:
    closes = recorded("openenv/session/close")
    check(len(closes) == 1, f"expected 1 session/close, saw {len(closes)}")
    entry = closes[-1]
    show("POST /mcp", {"sent": {"method": entry["method"], "params": entry["params"]},
                       "got": entry.get("response", entry.get("exception"))})
    check(entry["params"] == {"session_id": sid}, "session/close: wrong params")
    # The socket is detached before the close is sent, so the session is destroyed
    # at once (not the attached-session answer {"closed":false,"closing":true}).
    check(entry.get("response", {}).get("result") == {"session_id": sid, "closed": True},
          f"session/close: {entry!r}")


async def mcp_tool_client(url: str, env_name: str) -> None:
    print(f"(c) MCPToolClient ({env_name}): connect, reset, state, list_tools, "
               "call_tool, close")
    MCP_LOG.clear()
    client = MCPToolClient(base_url=url)
    async with client:
        sid = check_session_create()
        r = await client.reset()
        obs = r.observation.model_dump()
        show("reset (ws)", {"observation": obs, "reward": r.reward, "done": r.done})
        s = await client.state()
        show("state (ws)", s.model_dump())
        check(s.step_count == 0, "attached state: step_count != 0")

        tools = await client.list_tools()
        lists = recorded("tools/list")
        check(len(lists) == 1, f"expected 1 tools/list, saw {len(lists)}")
        check(lists[0]["params"] == {"session_id": sid}, "tools/list: params != {session_id}")
        show("POST /mcp", {"sent": {"method": "tools/list", "params": lists[0]["params"]},
                           "got": lists[0].get("response", lists[0].get("exception"))})
        show("list_tools()", [t.model_dump() for t in tools])

        if env_name == "benchmark_env":
            resp = lists[0]["response"]
            check(resp.get("error") == NO_MCP,
                  f"tools/list: expected error {NO_MCP}, got {resp!r}")
            check(isinstance(resp.get("id"), int), "tools/list: request id not echoed")
            check(tools == [], "list_tools(): expected [] (client swallows the error)")
            try:
                await client.call_tool("anything")
            except RuntimeError as e:
                show("call_tool()", str(e))
                check(str(e) == "Tool 'anything' failed: Environment does not support MCP",
                      f"call_tool: unexpected error {e}")
            else:
                raise AssertionError("call_tool on the benchmark env did not raise")
            check(await client.state() is not None, "state after MCP calls failed")
        else:
            names = [t.name for t in tools]
            check(names == ["echo_message", "echo_with_length"], f"tools: {names}")
            check(tools[0].input_schema.get("required") == ["message"],
                  "echo_message inputSchema.required != ['message']")
            res = await client.call_tool("echo_message", message="Hello!")
            show("call_tool()", res)
            check(res == "Hello!", f"echo_message -> {res!r}")
            res = await client.call_tool("echo_with_length", message="Test")
            show("call_tool()", res)
            check(res == {"message": "Test", "length": 4}, f"echo_with_length -> {res!r}")
            s = await client.state()
            show("state (ws)", s.model_dump())
            # /mcp tools/call goes straight to the env's FastMCP client, not through
            # env.step(), so the env's own step_count does not move.
            check(s.step_count == 0, "tools/call via /mcp changed state.step_count")
    check_session_close(sid)


async def capacity(url: str) -> None:
    print("(d) capacity 2: one plain /ws + MCPToolClient fit; a third session does not")
    ws_url = re.sub(r"^http", "ws", url.rstrip("/")) + "/ws"
    async with websockets.connect(ws_url, proxy=None) as held:
        await held.send('{"type":"reset","data":{}}')
        first = json.loads(await held.recv())
        check(first.get("type") == "observation", f"held /ws reset: {first}")
        show("held /ws", "reset ok (slot 1 of 2)")

        MCP_LOG.clear()
        mcp = MCPToolClient(base_url=url)
        async with mcp:
            sid = check_session_create()
            r = await mcp.reset()
            show("mcp reset", "ok over /ws?session_id (slot 2 of 2, attach takes none)")
            check(r.done is False, "mcp reset failed")
            try:
                async with GenericEnvClient(base_url=url) as g:
                    await g.reset()
            except RuntimeError as e:
                show("3rd session", str(e))
                check(str(e) == "Server error: Server at capacity: 2/2 sessions active. "
                      "Cannot accept new connections. (code: CAPACITY_REACHED)",
                      f"unexpected refusal {e}")
            else:
                raise AssertionError("a third session was admitted at capacity 2")
        check_session_close(sid)

        async with GenericEnvClient(base_url=url) as g:
            r = await g.reset()
            check(r.observation.get("step_count") == 0, "reset after MCP close failed")
        show("after close", "GenericEnvClient admitted again")

        async with websockets.connect(ws_url, proxy=None) as second:
            await second.send('{"type":"reset","data":{}}')
            check(json.loads(await second.recv()).get("type") == "observation",
                  "second held /ws failed")
            MCP_LOG.clear()
            try:
                async with MCPToolClient(base_url=url):
                    pass
            except RuntimeError as e:
                show("mcp at 2/2", str(e))
                resp = recorded("openenv/session/create")[-1]["response"]
                show("POST /mcp", {"sent": {"method": "openenv/session/create"}, "got": resp})
                check(resp.get("error", {}).get("code") == -32000 and
                      resp["error"].get("data") == {"active_sessions": 2, "max_sessions": 2},
                      f"session/create at capacity: {resp}")
                check(str(e).startswith("Failed to create MCP session: Server at capacity"),
                      f"unexpected error {e}")
            else:
                raise AssertionError("MCPToolClient connected with both slots taken")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--capacity-url")
    ap.add_argument("--generic-only", action="store_true", help="(a) and (b) only: openenv-core 0.3.0")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # in order with the server's and the shell's lines
    try:
        env_name = get_json(args.url.rstrip("/") + "/metadata")["name"]
        print(f"server {args.url}: /metadata name {env_name!r}")
        if env_name == "benchmark_env":
            asyncio.run(generic_async(args.url))
            generic_sync(args.url)
        else:
            print("(a)/(b) skipped: not the benchmark env")
        if args.generic_only:
            print("(c)/(d) skipped: --generic-only")
        else:
            record_mcp_requests()
            asyncio.run(mcp_tool_client(args.url, env_name))
            if args.capacity_url:
                asyncio.run(capacity(args.capacity_url))
    except Exception as e:  # AssertionError, connection errors, server error replies
        print(f"official clients: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print("official clients: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
