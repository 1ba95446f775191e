"""Record the wire transcript of the openenv 0.10.0 reference (docs/reference/REFERENCE_TRANSCRIPT-0.10.md).

Usage: .build-venv/openenv-0.10/bin/python tools/reference/probe_010.py [--out FILE] [--json FILE]

Starts its own reference servers from this venv on free loopback ports (stopped on exit,
also on SIGINT/SIGTERM):
  A  benchmark fixture, MAX_CONCURRENT_ENVS=100
  B  benchmark fixture, MAX_CONCURRENT_ENVS=2
  R  benchmark fixture, MAX_CONCURRENT_ENVS=2, SESSION_TIMEOUT=3 (idle reaper)
  P  benchmark fixture, OPENENV_MODE=production
  E  MCP echo fixture (Tests/Fixtures/python/echo_env_server.py), MAX_CONCURRENT_ENVS=8
then sends every probe with raw HTTP (http.client) and raw WebSocket (websockets) and prints
markdown: exact response bytes, status, content-type/allow/location headers, WS frames in
order and close codes. The machine's hostname is replaced by "vm" and each instance's port by
its letter's fixed placeholder (A=18201 ... E=18205), so re-runs differ only in pid,
session_hash, UUIDs and timings. Every wait is bounded; the whole run takes about a minute.
"""

import argparse
import asyncio
import atexit
import http.client as httpclient
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any, Dict, List, Optional

import websockets
from websockets.exceptions import ConnectionClosed

# The fixtures it starts live with the CI fixtures.
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ci", "python")
HOST = "127.0.0.1"
PLACEHOLDER = {"A": 18201, "B": 18202, "R": 18203, "P": 18204, "E": 18205}
PORTS: Dict[str, int] = {}
PROCS: List[subprocess.Popen] = []
OUT: List[str] = []
RECORDS: List[Dict[str, Any]] = []
HOSTNAME = socket.gethostname()


# ---- servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def stop_all() -> None:
    for p in PROCS:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 8
    for p in PROCS:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def _signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


def start(name: str, fixture: str, **env: str) -> None:
    port = free_port()
    e = {k: v for k, v in os.environ.items() if k not in ("OPENENV_MODE", "SESSION_TIMEOUT")}
    e.update(HOST=HOST, PORT=str(port), ENABLE_WEB_INTERFACE="false", WORKERS="1", **env)
    log = open(os.path.join(WORKDIR, f"{name}.log"), "w")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, fixture)], env=e,
                         stdout=log, stderr=subprocess.STDOUT)
    PROCS.append(p)
    PORTS[name] = port


def wait_ready() -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 60
    for name, port in PORTS.items():
        while True:
            if time.monotonic() > deadline:
                raise SystemExit(f"instance {name} did not start")
            try:
                with opener.open(f"http://{HOST}:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)


# ---- output --------------------------------------------------------------------------


def norm(text: str) -> str:
    for name, port in PORTS.items():
        text = text.replace(f"{HOSTNAME}:{port}", f"vm:{PLACEHOLDER[name]}")
        text = text.replace(f"127.0.0.1:{port}", f"127.0.0.1:{PLACEHOLDER[name]}")
    return text


def emit(line: str = "") -> None:
    OUT.append(norm(line))


def section(title: str, text: str = "") -> None:
    emit(f"\n## {title}\n")
    if text:
        emit(text + "\n")


def sub(title: str) -> None:
    emit(f"\n### {title}\n")


def code(lines: List[str], lang: str = "text") -> None:
    emit(f"```{lang}")
    for l in lines:
        emit(l)
    emit("```")


# ---- HTTP ----------------------------------------------------------------------------


def http(inst: str, method: str, path: str, body: Optional[bytes] = None,
         ctype: Optional[str] = "application/json", label: Optional[str] = None,
         show: bool = True) -> Dict[str, Any]:
    conn = httpclient.HTTPConnection(HOST, PORTS[inst], timeout=30)
    headers = {}
    if body is not None and ctype:
        headers["content-type"] = ctype
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    raw = r.read()
    conn.close()
    rec = {"inst": inst, "method": method, "path": path,
           "body": None if body is None else body.decode("utf-8", "replace"),
           "status": r.status, "reason": r.reason,
           "headers": {k.lower(): v for k, v in r.getheaders()
                       if k.lower() in ("content-type", "allow", "location")},
           "response": raw.decode("utf-8", "replace")}
    RECORDS.append(rec)
    if show:
        desc = label or (body.decode() if body is not None else "(no body)")
        if len(desc) > 160:
            desc = desc[:160] + "..."
        shown_ctype = "" if body is None or ctype == "application/json" else f" [{ctype}]"
        emit(f"#### {inst}: `{method} {path}` {'`' + desc + '`' if body is not None else desc}{shown_ctype}")
        hdrs = "; ".join(f"{k}: {v}" for k, v in rec["headers"].items())
        emit(f"{r.status} {r.reason}{'; ' + hdrs if hdrs else ''}")
        code([rec["response"]] if rec["response"] else ["(empty body)"], "json")
    try:
        rec["json"] = json.loads(raw) if raw else None
    except ValueError:
        rec["json"] = None
    return rec


def rpc(inst: str, payload: Any, label: Optional[str] = None, show: bool = True,
        raw: Optional[bytes] = None, ctype: str = "application/json") -> Dict[str, Any]:
    body = raw if raw is not None else json.dumps(payload, separators=(",", ":")).encode()
    return http(inst, "POST", "/mcp", body, ctype=ctype, label=label, show=show)


def session_create(inst: str, show: bool = False) -> Dict[str, Any]:
    return rpc(inst, {"jsonrpc": "2.0", "method": "openenv/session/create", "id": 1},
               show=show)


def session_close(inst: str, sid: str, show: bool = True, label=None) -> Dict[str, Any]:
    return rpc(inst, {"jsonrpc": "2.0", "method": "openenv/session/close",
                      "params": {"session_id": sid}, "id": 2}, show=show, label=label)


# ---- WebSocket -----------------------------------------------------------------------


class WS:
    """A raw WebSocket whose traffic is written to a transcript block."""

    def __init__(self, inst: str, path: str, lines: List[str], tag: str = ""):
        self.inst, self.path, self.lines, self.tag = inst, path, lines, tag
        self.ws = None
        self.closed = False

    async def open(self) -> "WS":
        self.ws = await websockets.connect(f"ws://{HOST}:{PORTS[self.inst]}{self.path}",
                                           proxy=None, open_timeout=10)
        self.lines.append(f"{self.tag}connect {self.path}  → 101")
        return self

    async def send(self, text: str) -> None:
        self.lines.append(f"{self.tag}→ {text}")
        try:
            await self.ws.send(text)
        except ConnectionClosed:
            self.lines.append(f"{self.tag}  (send failed: socket already closed by the server)")

    async def recv(self, timeout: float = 10.0) -> Optional[Dict[str, Any]]:
        if self.closed:
            return None
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
        except ConnectionClosed as e:
            rc = e.rcvd
            self.closed = True
            self.lines.append(f"{self.tag}← close {rc.code if rc else None} "
                              f"reason {rc.reason if rc else ''!r}")
            return None
        except asyncio.TimeoutError:
            self.lines.append(f"{self.tag}(no frame within {timeout:g} s; socket open)")
            return None
        self.lines.append(f"{self.tag}← {raw}")
        return json.loads(raw)

    async def ask(self, text: str, timeout: float = 10.0) -> Optional[Dict[str, Any]]:
        await self.send(text)
        return await self.recv(timeout)

    async def expect_close(self, timeout: float = 5.0) -> None:
        await self.recv(timeout)

    async def close(self, note: str = "client close frame (1000)") -> None:
        self.lines.append(f"{self.tag}{note}")
        self.closed = True
        await self.ws.close()


def J(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


# ---- probes --------------------------------------------------------------------------


def probe_http_basics() -> None:
    section("HTTP envelope, /state, /schema, /metadata (instance A)",
            "Request content-type is `application/json` unless shown in brackets.")
    http("A", "GET", "/health")
    http("A", "GET", "/metadata")
    http("A", "GET", "/schema")
    http("A", "GET", "/state")
    http("A", "POST", "/reset", b"{}")
    http("A", "POST", "/reset", None, label="(no body)")
    http("A", "POST", "/reset", b'{"seed":42,"episode_id":"ep1"}')
    http("A", "POST", "/step", b'{"action":{"wait_seconds":0.1}}')
    http("A", "POST", "/step", b'{"action":{}}')
    http("A", "POST", "/step", b'{"action":{"wait_seconds":0.1,"metadata":{"k":1}}}')
    http("A", "POST", "/step", b"{}")
    http("A", "POST", "/step", b'{"action":{"bogus":1}}')


def probe_openapi() -> None:
    section("/openapi.json (instance A)")
    rec = http("A", "GET", "/openapi.json", show=False)
    spec = rec["json"]
    emit(f"200; content-type: {rec['headers'].get('content-type')}; "
         f"openapi {spec.get('openapi')}; info.title {spec['info']['title']!r}, "
         f"version {spec['info']['version']!r}, contact.url {spec['info'].get('contact', {}).get('url')!r}\n")
    emit("Paths and operations, in document order:")
    code([f"{p}  {' '.join(m.upper() for m in ops)}" for p, ops in spec["paths"].items()])
    emit("Component schemas, in document order:")
    code([", ".join(spec["components"]["schemas"])])
    for name in ("ResetResponse", "StepResponse", "ListTasksRequest", "NumTasksRequest",
                 "GetTaskRequest", "GetTaskRangeRequest", "SchemaResponse"):
        if name in spec["components"]["schemas"]:
            emit(f"`components.schemas.{name}`:")
            code([J(spec["components"]["schemas"][name])], "json")
    for path in ("/{env_name}/tasks", "/{env_name}/splits", "/list_environments"):
        ops = spec["paths"].get(path, {})
        for m, op in ops.items():
            emit(f"`paths[\"{path}\"].{m}` (operationId, parameters, requestBody, 200 schema):")
            code([J({"operationId": op.get("operationId"), "tags": op.get("tags"),
                     "parameters": op.get("parameters"), "requestBody": op.get("requestBody"),
                     "200": op.get("responses", {}).get("200")})], "json")


def probe_tasks() -> None:
    section("ORS task API (instance A)",
            "`{env_name}` is matched against the factory class name `BenchmarkEnvironment` "
            "case-insensitively (`/metadata` `name` is `benchmark_env`).")
    http("A", "GET", "/list_environments")
    for path in ("/BenchmarkEnvironment/splits", "/benchmarkenvironment/splits",
                 "/BENCHMARKENVIRONMENT/splits", "/benchmark_env/splits", "/nope/splits",
                 "/reset/splits", "/health/splits", "/BenchmarkEnvironment/splits/",
                 "/a/b/splits"):
        http("A", "GET", path)
    valid = {"tasks": b'{"split":"test"}', "num_tasks": b'{"split":"test"}',
             "task": b'{"split":"test","index":0}',
             "task_range": b'{"split":"test","start":0,"stop":2}'}
    for route, body in valid.items():
        sub(f"POST /{{env}}/{route}")
        http("A", "POST", f"/BenchmarkEnvironment/{route}", body)
        http("A", "POST", f"/benchmarkenvironment/{route}", body)
        http("A", "POST", f"/BenchmarkEnvironment/{route}", b"{}")
        http("A", "POST", f"/BenchmarkEnvironment/{route}", None, label="(no body)")
        http("A", "POST", f"/nope/{route}", body)
        http("A", "POST", f"/nope/{route}", b"{}")
        http("A", "GET", f"/BenchmarkEnvironment/{route}")
    sub("Other request-model errors")
    http("A", "POST", "/BenchmarkEnvironment/tasks", b'{"split":1}')
    http("A", "POST", "/BenchmarkEnvironment/tasks", b'{"split":"test","bogus":1}')
    http("A", "POST", "/BenchmarkEnvironment/task", b'{"split":"test"}')
    http("A", "POST", "/BenchmarkEnvironment/task", b'{"split":"test","index":"x"}')
    http("A", "POST", "/BenchmarkEnvironment/task_range", b'{"split":"test"}')
    http("A", "POST", "/BenchmarkEnvironment/tasks", b"not json")
    http("A", "POST", "/BenchmarkEnvironment/tasks", b'{"split":"test"}', ctype="text/plain")
    sub("Method mismatch")
    http("A", "POST", "/BenchmarkEnvironment/splits", b"{}")
    http("A", "POST", "/list_environments", b"{}")
    http("A", "GET", "/reset/tasks")
    http("A", "POST", "/reset/splits", b"{}")


def probe_mcp_http() -> None:
    section("HTTP `POST /mcp` (instances A and B)",
            "Every answer is HTTP 200 with content-type application/json; the JSON-RPC "
            "error is in the body.")
    sub("Session lifecycle")
    c = rpc("A", {"jsonrpc": "2.0", "method": "openenv/session/create", "id": 1})
    sid = c["json"]["result"]["session_id"]
    rpc("A", {"jsonrpc": "2.0", "method": "openenv/session/create", "params": {}, "id": "s-1"})
    rpc("A", {"jsonrpc": "2.0", "method": "openenv/session/close",
              "params": {"session_id": sid}, "id": 2}, label="openenv/session/close <sid>")
    rpc("A", {"jsonrpc": "2.0", "method": "openenv/session/close",
              "params": {"session_id": sid}, "id": 3}, label="openenv/session/close <sid> again")
    rpc("A", {"jsonrpc": "2.0", "method": "openenv/session/close",
              "params": {"session_id": "does-not-exist"}, "id": 4})
    rpc("A", {"jsonrpc": "2.0", "method": "openenv/session/close", "id": 5})
    rpc("A", {"jsonrpc": "2.0", "method": "openenv/session/close",
              "params": {"session_id": ""}, "id": 6})
    # Clean up the "s-1" session created above.
    for r in RECORDS[::-1]:
        if r["inst"] == "A" and r.get("json") and r["json"].get("id") == "s-1":
            session_close("A", r["json"]["result"]["session_id"], show=False)
            break

    sub("Capacity (instance B, capacity 2)")
    s1 = session_create("B")["json"]["result"]["session_id"]
    s2 = session_create("B")["json"]["result"]["session_id"]
    emit("(two sessions created with `openenv/session/create`; a third:)")
    rpc("B", {"jsonrpc": "2.0", "method": "openenv/session/create", "id": 7})
    session_close("B", s1, show=False)
    session_close("B", s2, show=False)

    sub("tools/*, unknown method, malformed requests (benchmark env: no MCP)")
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "id": 1})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "params": {}, "id": "abc"})
    sid = session_create("A")["json"]["result"]["session_id"]
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "params": {"session_id": sid}, "id": 2},
        label='tools/list params {"session_id":<live sid>}')
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list",
              "params": {"session_id": "does-not-exist"}, "id": 3})
    session_close("A", sid, show=False)
    rpc("A", {"jsonrpc": "2.0", "method": "tools/call", "params": {"name": "echo_message",
              "arguments": {"message": "hi"}}, "id": 4})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/call", "params": {}, "id": 5})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/call", "id": 6})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/call", "params": {"name": ""}, "id": 7})
    rpc("A", {"jsonrpc": "2.0", "method": "foo", "id": 8})
    rpc("A", {"jsonrpc": "2.0", "method": "initialize", "params": {}, "id": 9})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list"})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "id": None})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "id": 1.5})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "id": True})
    rpc("A", {"method": "tools/list", "id": 10})
    rpc("A", {"jsonrpc": "1.0", "method": "tools/list", "id": 11})
    rpc("A", {"jsonrpc": "2.0", "id": 12})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "params": [1], "id": 13})
    rpc("A", {"jsonrpc": "2.0", "method": "tools/list", "id": 14, "extra": 1})
    rpc("A", {})
    rpc("A", [{"jsonrpc": "2.0", "method": "tools/list", "id": 1},
              {"jsonrpc": "2.0", "method": "foo", "id": 2}])
    rpc("A", [])
    rpc("A", "x")
    rpc("A", None, raw=b"xx")
    rpc("A", None, raw=b"", label="(empty body)")
    rpc("A", None, raw=b'{"jsonrpc":"2.0","method":"foo","id":1}', ctype="text/plain")
    rpc("A", None, raw=b"\xff\xfe", label="(bytes ff fe)")
    http("A", "GET", "/mcp")


async def probe_mcp_ws() -> None:
    section("WebSocket `{\"type\":\"mcp\",\"data\":<JSON-RPC>}` on `/ws` (instance A)")
    lines: List[str] = []
    ws = await WS("A", "/ws", lines).open()
    r = await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0",
                                                 "method": "openenv/session/create", "id": 1}}))
    own = r["data"]["result"]["session_id"]
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0",
                                             "method": "openenv/session/create", "id": 2}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/list", "id": 3}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/call",
                                             "params": {"name": "x"}, "id": 4}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/call",
                                             "params": {}, "id": "five"}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "foo", "id": 6}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "openenv/session/close",
                                             "params": {"session_id": own}, "id": 7}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "openenv/session/close",
                                             "params": {"session_id": "does-not-exist"}, "id": 8}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "openenv/session/close",
                                             "id": 9}}))
    await ws.ask(J({"type": "mcp", "data": {}}))
    await ws.ask(J({"type": "mcp", "data": {"method": "tools/list", "id": 10}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/list",
                                             "params": [1], "id": 11}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/list"}}))
    await ws.ask(J({"type": "mcp"}))
    await ws.ask(J({"type": "mcp", "data": "x"}))
    await ws.ask(J({"type": "mcp", "data": [{"jsonrpc": "2.0", "method": "tools/list", "id": 1}]}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/list", "id": 12},
                    "extra": 1}))
    await ws.ask(J({"type": "state"}))
    await ws.ask(J({"type": "close"}))
    code(lines)
    emit("`openenv/session/create` on WS returns the socket's own session id (no new session); "
         "closing it via WS MCP is refused with -32600.")

    sub("JSON-RPC directly over WebSocket `/mcp` (instance A)")
    emit("A separate endpoint: each `/mcp` socket creates its own session (takes a slot), "
         "frames are bare JSON-RPC, and replies are serialized with Python's `json.dumps` "
         "(`\": \"` and `\", \"` separators), unlike every other reply.")
    lines = []
    ws = await WS("A", "/mcp", lines).open()
    await ws.ask(J({"jsonrpc": "2.0", "method": "openenv/session/create", "id": 1}))
    await ws.ask(J({"jsonrpc": "2.0", "method": "tools/list", "id": 2}))
    await ws.ask(J({"jsonrpc": "2.0", "method": "tools/call", "params": {}, "id": 3}))
    await ws.ask("xx")
    await ws.ask(J({"method": "tools/list", "id": 4}))
    await ws.ask(J([1]))
    await ws.close()
    code(lines)


async def probe_attach() -> None:
    section("`/ws?session_id=<id>` attach (instance B, capacity 2)")
    sub("Unknown id, empty id, other query keys")
    for path in ("/ws?session_id=does-not-exist", "/ws?session_id=", "/ws?foo=bar",
                 "/ws?session_id=a&session_id=b"):
        lines: List[str] = []
        ws = await WS("B", path, lines).open()
        r = await ws.recv(1.0)  # an attach error arrives unsolicited
        if r is not None and r.get("type") == "error":
            await ws.expect_close()
        else:
            await ws.ask(J({"type": "reset", "data": {}}))
            await ws.close()
        code(lines)

    sub("Attach, second attach, capacity accounting, session/close while attached")
    sid = session_create("B")["json"]["result"]["session_id"]
    emit(f"`POST /mcp openenv/session/create` → session `<sid>` (1 of 2 slots).")
    lines = []
    a = await WS("B", f"/ws?session_id={sid}", lines, "A1 ").open()
    await a.ask(J({"type": "reset", "data": {}}))
    await a.ask(J({"type": "step", "data": {"wait_seconds": 0.1}}))
    await a.ask(J({"type": "state"}))
    a2 = await WS("B", f"/ws?session_id={sid}", lines, "A2 ").open()
    await a2.recv(2.0)
    await a2.expect_close()
    p1 = await WS("B", "/ws", lines, "P1 ").open()
    await p1.ask(J({"type": "reset", "data": {}}))
    p2 = await WS("B", "/ws", lines, "P2 ").open()
    await p2.recv(5)
    await p2.expect_close(5)
    code([l.replace(sid, "<sid>") for l in lines])
    rpc("B", {"jsonrpc": "2.0", "method": "openenv/session/create", "id": 1},
        label="openenv/session/create (sid attached + P1 open)")
    await p1.close()
    await asyncio.sleep(0.3)
    rec = session_close("B", sid, label="openenv/session/close <sid> (A1 attached)")
    lines = []
    a.lines = lines
    await a.ask(J({"type": "state"}))
    await a.ask(J({"type": "step", "data": {}}))
    await a.ask(J({"type": "close"}))
    await a.expect_close()
    code([l.replace(sid, "<sid>") for l in lines])
    await asyncio.sleep(0.3)
    session_close("B", sid, label="openenv/session/close <sid> after A1 detached")

    sub("Detach and re-attach; `{\"type\":\"close\"}` on an attached socket")
    sid = session_create("B")["json"]["result"]["session_id"]
    lines = []
    a = await WS("B", f"/ws?session_id={sid}", lines, "A1 ").open()
    await a.ask(J({"type": "reset", "data": {}}))
    await a.ask(J({"type": "step", "data": {"wait_seconds": 0.1}}))
    await a.close("client close frame (1000), no close message")
    await asyncio.sleep(0.3)
    a = await WS("B", f"/ws?session_id={sid}", lines, "A2 ").open()
    await a.ask(J({"type": "state"}))
    await a.ask(J({"type": "close"}))
    await a.expect_close()
    await asyncio.sleep(0.3)
    a = await WS("B", f"/ws?session_id={sid}", lines, "A3 ").open()
    await a.ask(J({"type": "state"}))
    await a.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "openenv/session/create",
                                            "id": 1}}))
    await a.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "openenv/session/close",
                                            "params": {"session_id": sid}, "id": 2}}))
    await a.close()
    code([l.replace(sid, "<sid>") for l in lines])
    await asyncio.sleep(0.3)
    session_close("B", sid, label="openenv/session/close <sid> after all sockets detached")
    session_close("B", sid, label="openenv/session/close <sid> again")

    sub("Attaching to a WS-owned session (reference defect)")
    lines = []
    o = await WS("B", "/ws", lines, "O  ").open()
    r = await o.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0",
                                                "method": "openenv/session/create", "id": 1}}))
    own = r["data"]["result"]["session_id"]
    x = await WS("B", f"/ws?session_id={own}", lines, "X  ").open()
    await x.ask(J({"type": "step", "data": {}}))
    await o.ask(J({"type": "state"}))
    await o.close("owner closes (client close frame 1000)")
    await asyncio.sleep(0.3)
    await x.ask(J({"type": "state"}))
    rpc("B", {"jsonrpc": "2.0", "method": "openenv/session/close",
              "params": {"session_id": own}, "id": 3}, show=False)
    await x.close()
    code([l.replace(own, "<own>") for l in lines])


async def probe_reaper() -> None:
    section("Idle reaper (instance R: capacity 2, SESSION_TIMEOUT=3)",
            "The reaper ticks every max(T/4, 5 s) = 5 s and destroys sessions idle > T that "
            "are not attached. Times are seconds since the sessions went idle.")
    lines: List[str] = []
    w1 = await WS("R", "/ws", lines, "W1 ").open()
    await w1.ask(J({"type": "reset", "data": {}}))
    hs = session_create("R")["json"]["result"]["session_id"]
    lines.append("HTTP openenv/session/create → <hs> (2 of 2 slots)")
    t0 = time.monotonic()
    freed = None
    while time.monotonic() - t0 < 15:
        r = session_create("R")["json"]
        if "result" in r:
            freed = time.monotonic() - t0
            session_close("R", r["result"]["session_id"], show=False)
            break
        await asyncio.sleep(0.25)
    lines.append(f"polling openenv/session/create: -32000 until t={freed:.1f} s, then a result"
                 if freed is not None else "polling: capacity never freed within 15 s")
    await w1.ask(J({"type": "step", "data": {}}))
    await w1.ask(J({"type": "state"}))
    lines.append(f"W1 close_code after reap: {w1.ws.close_code}")
    await w1.close()
    r = session_close("R", hs, show=False)["json"]
    lines.append(f"HTTP openenv/session/close <hs> → {J(r).replace(hs, '<hs>')}")

    code(lines)
    lines = []
    sid = session_create("R")["json"]["result"]["session_id"]
    lines.append("HTTP openenv/session/create → <sid>")
    a = await WS("R", f"/ws?session_id={sid}", lines, "A  ").open()
    await a.ask(J({"type": "reset", "data": {}}))
    lines.append("(attached socket idle for 11 s)")
    await asyncio.sleep(11)
    await a.ask(J({"type": "state"}))
    await a.close()
    await asyncio.sleep(0.3)
    r = session_close("R", sid, show=False)["json"]
    lines.append(f"HTTP openenv/session/close <sid> right after detach → "
                 f"{J(r).replace(sid, '<sid>')}")
    lines = [l.replace(sid, "<sid>") for l in lines]
    sid = session_create("R")["json"]["result"]["session_id"]
    lines.append("HTTP openenv/session/create → <sid2>; idle 11 s, never attached")
    await asyncio.sleep(11)
    r = rpc("R", {"jsonrpc": "2.0", "method": "tools/list", "params": {"session_id": sid},
                  "id": 1}, show=False)["json"]
    lines.append(f"HTTP tools/list {{session_id:<sid2>}} → {J(r).replace(sid, '<sid2>')}")
    r = session_close("R", sid, show=False)["json"]
    lines.append(f"HTTP openenv/session/close <sid2> → {J(r).replace(sid, '<sid2>')}")
    code(lines)


async def probe_production() -> None:
    section("OPENENV_MODE=production (instance P)")
    rec = http("P", "GET", "/openapi.json", show=False)
    emit("openapi paths:")
    code([f"{p}  {' '.join(m.upper() for m in ops)}" for p, ops in rec["json"]["paths"].items()])
    http("P", "POST", "/reset", b"{}")
    http("P", "POST", "/step", b'{"action":{}}')
    http("P", "GET", "/state")
    http("P", "GET", "/schema", show=False)
    emit(f"`GET /schema` → {RECORDS[-1]['status']} (same body as simulation mode: "
         f"{RECORDS[-1]['response'] == next(r['response'] for r in RECORDS if r['inst'] == 'A' and r['path'] == '/schema')})")
    http("P", "GET", "/list_environments")
    rpc("P", {"jsonrpc": "2.0", "method": "openenv/session/create", "id": 1})
    lines: List[str] = []
    ws = await WS("P", "/ws", lines).open()
    await ws.ask(J({"type": "reset", "data": {}}))
    await ws.ask(J({"type": "step", "data": {"wait_seconds": 0.1}}))
    await ws.ask(J({"type": "state"}))
    await ws.ask(J({"type": "close"}))
    await ws.expect_close()
    code(lines)
    lines = []
    try:
        await websockets.connect(f"ws://{HOST}:{PORTS['P']}/harness", proxy=None)
        lines.append("/harness: connected (unexpected)")
    except Exception as e:
        lines.append(f"/harness (benchmark env is no HarnessEnvironment): {type(e).__name__}: {e}")
    code(lines)


async def probe_echo() -> None:
    section("MCP echo environment (instance E, Tests/Fixtures/python/echo_env_server.py)")
    http("E", "GET", "/metadata")
    http("E", "GET", "/schema")
    http("E", "GET", "/list_environments")
    http("E", "GET", "/echo_env/splits")
    http("E", "GET", "/state")
    sub("HTTP /reset and /step (stateless: fresh env per request)")
    http("E", "POST", "/reset", b"{}")
    http("E", "POST", "/step", b'{"action":{"tool_name":"echo_message","arguments":{"message":"Hi"}}}')
    http("E", "POST", "/step", b'{"action":{"tool_name":"echo_with_length","arguments":{"message":"Hi"}}}')
    http("E", "POST", "/step", b'{"action":{"type":"call_tool","tool_name":"nope","arguments":{}}}')
    http("E", "POST", "/step", b'{"action":{"tool_name":"echo_message","arguments":{}}}')
    http("E", "POST", "/step", b'{"action":{"tool_name":"echo_message","arguments":{"message":1}}}')
    http("E", "POST", "/step", b'{"action":{"type":"list_tools"}}')
    http("E", "POST", "/step", b'{"action":{"tool_name":"echo_message"}}')
    sub("HTTP /mcp tools/list and tools/call")
    rpc("E", {"jsonrpc": "2.0", "method": "tools/list", "id": 1})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
              "params": {"name": "echo_message", "arguments": {"message": "Hello!"}}, "id": 2})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
              "params": {"name": "echo_with_length", "arguments": {"message": "Test"}}, "id": 3})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
              "params": {"name": "nope", "arguments": {}}, "id": 4})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
              "params": {"name": "echo_message", "arguments": {}}, "id": 5})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
              "params": {"name": "echo_message", "arguments": {"message": 1}}, "id": 6})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
              "params": {"name": "echo_message", "arguments": {"message": "a", "extra": 1}}, "id": 7})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
              "params": {"name": "echo_message"}, "id": 8})
    rpc("E", {"jsonrpc": "2.0", "method": "tools/call", "params": {}, "id": 9})
    sid = session_create("E")["json"]["result"]["session_id"]
    emit("With a session (`openenv/session/create` → `<sid>`), as MCPToolClient sends it:")
    for rec in (
        rpc("E", {"jsonrpc": "2.0", "method": "tools/list", "params": {"session_id": sid},
                  "id": 2}, show=False),
        rpc("E", {"jsonrpc": "2.0", "method": "tools/call",
                  "params": {"name": "echo_message", "arguments": {"message": "Hello!"},
                             "session_id": sid}, "id": 3}, show=False),
    ):
        emit(f"#### E: `POST /mcp` `{rec['body'].replace(sid, '<sid>')}`")
        emit(f"{rec['status']} {rec['reason']}; content-type: {rec['headers'].get('content-type')}")
        code([rec["response"].replace(sid, "<sid>")], "json")
    sub("WebSocket /ws: step with CallToolAction, mcp messages, state")
    lines: List[str] = []
    a = await WS("E", f"/ws?session_id={sid}", lines, "A ").open()
    await a.ask(J({"type": "state"}))
    await a.close()
    ws = await WS("E", "/ws", lines).open()
    await ws.ask(J({"type": "reset", "data": {}}))
    await ws.ask(J({"type": "step", "data": {"tool_name": "echo_message",
                                             "arguments": {"message": "Hi"}}}))
    await ws.ask(J({"type": "step", "data": {"type": "call_tool", "tool_name": "echo_with_length",
                                             "arguments": {"message": "Hi"}}}))
    await ws.ask(J({"type": "step", "data": {"type": "list_tools"}}))
    await ws.ask(J({"type": "step", "data": {"tool_name": "nope"}}))
    await ws.ask(J({"type": "state"}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/list", "id": 1}}))
    await ws.ask(J({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/call",
                                             "params": {"name": "echo_message",
                                                        "arguments": {"message": "Hi"}}, "id": 2}}))
    await ws.ask(J({"type": "state"}))
    await ws.ask(J({"type": "close"}))
    await ws.expect_close()
    code([l.replace(sid, "<sid>") for l in lines])
    session_close("E", sid, show=False)


async def run_ws_probes() -> None:
    await probe_mcp_ws()
    await probe_attach()
    await probe_production()
    await probe_echo()
    await probe_reaper()


def main() -> int:
    global WORKDIR
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="write the markdown here (default: stdout)")
    ap.add_argument("--json", help="also write all HTTP records as JSON here")
    args = ap.parse_args()
    import tempfile
    WORKDIR = tempfile.mkdtemp(prefix="probe010-")
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _signal)
    signal.signal(signal.SIGINT, _signal)
    start("A", "benchmark_env_server.py", MAX_CONCURRENT_ENVS="100")
    start("B", "benchmark_env_server.py", MAX_CONCURRENT_ENVS="2")
    start("R", "benchmark_env_server.py", MAX_CONCURRENT_ENVS="2", SESSION_TIMEOUT="3")
    start("P", "benchmark_env_server.py", MAX_CONCURRENT_ENVS="100", OPENENV_MODE="production")
    start("E", "echo_env_server.py", MAX_CONCURRENT_ENVS="8")
    wait_ready()
    import importlib.metadata as md
    versions = ", ".join(f"{d} {md.version(d)}" for d in (
        "openenv", "fastapi", "starlette", "pydantic", "pydantic_core", "uvicorn",
        "websockets", "fastmcp", "mcp"))
    emit(f"<!-- generated by tools/reference/probe_010.py; {versions} -->")
    probe_http_basics()
    probe_openapi()
    probe_tasks()
    probe_mcp_http()
    asyncio.run(run_ws_probes())
    stop_all()
    logs = {}
    for name in PORTS:
        with open(os.path.join(WORKDIR, f"{name}.log")) as f:
            logs[name] = f.read().count("Exception in ASGI application")
    emit(f"\n<!-- 'Exception in ASGI application' in server logs: {logs} -->")
    text = "\n".join(OUT) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{k: v for k, v in r.items() if k != "json"} for r in RECORDS], f,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
