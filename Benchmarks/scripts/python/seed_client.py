"""The seed benchmark's client loop, reconstructed: the published takeaways name its tool
(`tests/test_scaling.py`, Python asyncio + websockets) and its raw.jsonl row, but the script
itself is not shipped, so this does the same per-session work — connect, reset, step(wait),
close, timing each phase into a row — for measuring what such a client costs per session.

Usage: seed_client.py WS_URL N WAIT   (prints one JSON summary line)
"""
import asyncio
import json
import os
import resource
import sys
import time

from websockets.asyncio.client import connect


async def session(url, request_id, wait, batch):
    row = {"request_id": request_id, "mode": "ws", "wait_requested": wait, "batch_size": batch,
           "success": False, "error_type": None}
    start = time.perf_counter()
    try:
        async with connect(url, max_size=None, open_timeout=120, ping_interval=None) as ws:
            row["connect_latency"] = time.perf_counter() - start
            mark = time.perf_counter()
            await ws.send(json.dumps({"type": "reset", "data": {}}))
            json.loads(await ws.recv())
            row["reset_latency"] = time.perf_counter() - mark
            mark = time.perf_counter()
            await ws.send(json.dumps({"type": "step", "data": {"wait_seconds": wait}}))
            reply = json.loads(await ws.recv())
            row["step_latency"] = time.perf_counter() - mark
            observation = reply.get("data", {}).get("observation", {})
            row.update(pid=observation.get("pid"), host_url=observation.get("host_url"),
                       session_hash=observation.get("session_hash"), success=reply.get("type") == "observation")
            await ws.send(json.dumps({"type": "close"}))
    except Exception as error:  # a failed session is a row, as in the seed
        row["error_type"] = type(error).__name__
    row["total_latency"] = time.perf_counter() - start
    return row


async def main():
    base, n, wait = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    url = base.rstrip("/") + "/ws"
    started = time.perf_counter()
    rows = await asyncio.gather(*(session(url, i, wait, n) for i in range(n)))
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    ok = sum(r["success"] for r in rows)
    totals = sorted(r["total_latency"] for r in rows)
    print(json.dumps({"client": "python-seed-reconstruction", "sessions": n, "successful": ok,
                      "wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
                      "sessions_per_cpu_second": round(ok / cpu, 1) if cpu else None,
                      "p99_total": round(totals[int(0.99 * (n - 1))], 3),
                      "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    asyncio.run(main())
