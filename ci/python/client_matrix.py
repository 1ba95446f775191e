"""One OpenEnv release's official Python clients against a server: its row of the ci/client-matrix
table, each operation ok, n/a (the release or server has no such thing), warn (it worked, the
client could not see why) or **fail** with the first error line; exit 1 on a failure.

Usage (ci/client-matrix): client_matrix.py URL --release NAME [--action JSON] [--tool NAME
  --arguments JSON] [--capacity-url URL], with the release's venv; client_matrix.py URL --header.
  reset, step, state, close: GenericEnvClient (async, as in every release), the step's action
  --action (default the benchmark's); mcp list, mcp call: MCPToolClient where the release has it,
  call_tool(--tool or the first listed, **--arguments); capacity: with --capacity-url (a free
  server of capacity 1), while one client holds it another's reset names CAPACITY_REACHED, and
  once it closes a retry is admitted.
"""

import argparse
import asyncio
import contextlib
import json
import sys
import traceback

OPERATIONS = ["reset", "step", "state", "close", "mcp list", "mcp call"]
RESULTS = {}  # operation -> (verdict, detail)


def first_line(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip()
    return text.splitlines()[0][:160] if text else type(error).__name__


def report(op: str, verdict: str, detail: str) -> None:
    RESULTS.setdefault(op, (verdict, detail))


def row(release: str, operations) -> str:
    cells = []
    for op in operations:
        verdict, detail = RESULTS.get(op, ("fail", "no result (%s)" % RESULTS.get("import", ("", "?"))[1]))
        detail = detail.replace("|", "\\|")
        cells.append({"ok": "ok", "fail": f"**fail**: {detail}"}.get(verdict, f"{verdict}: {detail}"))
    return f"| {release} | " + " | ".join(cells) + " |"


async def generic(url: str, action: dict) -> None:
    from openenv.core.generic_client import GenericEnvClient

    client = GenericEnvClient(base_url=url)
    steps = [
        ("reset", lambda: client.reset(), lambda r: f"done={r.done}"),
        ("step", lambda: client.step(action), lambda r: f"done={r.done} reward={r.reward}"),
        ("state", lambda: client.state(), lambda s: f"{len(s) if hasattr(s, '__len__') else '?'} fields"),
        ("close", lambda: client.close(), lambda _: "closed"),
    ]
    for op, call, summary in steps:
        try:
            report(op, "ok", summary(await call()))
        except Exception as error:  # the table names it; the next operations still run
            report(op, "fail", first_line(error))


async def mcp(url: str, tool: str, arguments: dict) -> None:
    try:
        from openenv.core.mcp_client import MCPToolClient
    except ImportError:
        report("mcp list", "n/a", "this release has no MCPToolClient")
        report("mcp call", "n/a", "this release has no MCPToolClient")
        return
    try:
        async with MCPToolClient(base_url=url) as client:
            tools = await client.list_tools()
            names = [t.name for t in tools]
            report("mcp list", "ok", f"{len(names)} tools {','.join(names)}".strip())
            name = tool or (names[0] if names else "")
            if not name:
                report("mcp call", "n/a", "the server lists no tools")
                return
            try:
                result = await client.call_tool(name, **arguments)
                report("mcp call", "ok", f"{name} → {json.dumps(result, default=str)[:60]}")
            except Exception as error:
                report("mcp call", "fail", first_line(error))
    except Exception as error:
        report("mcp list", "fail", first_line(error))
        report("mcp call", "n/a", "mcp list failed")


async def capacity(url: str) -> None:
    from openenv.core.generic_client import GenericEnvClient

    holder = GenericEnvClient(base_url=url)
    await holder.reset()
    other = GenericEnvClient(base_url=url)
    try:
        await other.reset()
        report("capacity", "fail", "a second session was admitted at capacity 1")
        return
    except Exception as error:
        # The server sends CAPACITY_REACHED and closes at once: a client whose first send comes
        # after the close sees only the closed socket (a warning: the refusal is not named).
        refusal = "" if "CAPACITY" in str(error).upper() else first_line(error)
    finally:
        try:
            await other.close()
        except Exception:
            pass
    await holder.close()
    for _ in range(100):  # a trainer's retry loop: 10 s
        retry = GenericEnvClient(base_url=url)
        try:
            await retry.reset()
            await retry.close()
            if refusal:
                report("capacity", "warn", f"refused, but the client saw only {refusal}; admitted once the holder closed")
            else:
                report("capacity", "ok", "CAPACITY_REACHED, then admitted once the holder closed")
            return
        except Exception:
            await asyncio.sleep(0.1)
    report("capacity", "fail", "not admitted within 10 s after the holder closed")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--release", default="?")
    parser.add_argument("--header", action="store_true", help="print the table's header and stop")
    parser.add_argument("--action", default='{"wait_seconds": 0}')
    parser.add_argument("--tool", default="")
    parser.add_argument("--arguments", default="{}")
    parser.add_argument("--capacity-url", default="")
    args = parser.parse_args()
    operations = OPERATIONS + (["capacity"] if args.capacity_url else [])
    if args.header:
        print("| release | " + " | ".join(operations) + " |\n|---|" + "---|" * len(operations))
        return 0
    with contextlib.redirect_stdout(sys.stderr):  # stdout is the table's
        try:
            asyncio.run(generic(args.url, json.loads(args.action)))
            asyncio.run(mcp(args.url, args.tool, json.loads(args.arguments)))
            if args.capacity_url:
                try:
                    asyncio.run(capacity(args.capacity_url))
                except Exception as error:
                    report("capacity", "fail", first_line(error))
        except Exception as error:  # an import that fails: the whole release fails, said once
            traceback.print_exc()
            report("import", "fail", first_line(error))
    print(row(args.release, operations), flush=True)
    return 1 if any(RESULTS.get(op, ("fail",))[0] == "fail" for op in operations) else 0


if __name__ == "__main__":
    sys.exit(main())
