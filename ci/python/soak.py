"""Mixed traffic against one openenv-server for a while, sampling what it holds (ci/soak).

Usage: soak.py --url http://127.0.0.1:PORT --pid PID --capacity N --bench PATH --seconds S --out DIR

At once, for S seconds: bursts (openenv-bench, every 20 s), 32 held sessions stepping every
second, hostile frames (invalid JSON, a binary frame, invalid UTF-8, a message over the size
limit), connections aborted mid-step (TCP reset), idle TCP connections (silent, or half a request
head) held 5 s, and capacity overflow (capacity + 16 sessions at once, between bursts). Every 10 s it
samples the server's RSS, open descriptors and active sessions (/metrics) into DIR/soak.csv.

It fails (exit 1), saying why, when an activity gets an answer it should not, when any active
session or descriptor is not given back once the traffic stops, or when RSS grows by more than
--rss-growth-mib between the sample at a quarter of the run and the end (after the first quarter
the allocator's arenas are warm; a leak keeps growing).
"""
import argparse
import asyncio
import json
import os
import socket
import struct
import sys
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server_probe import descriptors, metric, resident_kib

STEP = json.dumps({"type": "step", "data": {"wait_seconds": 0}})
RESET = json.dumps({"type": "reset", "data": {}})


class Soak:
    def __init__(self, args):
        self.args = args
        self.ws_url = args.url.replace("http://", "ws://") + "/ws"
        self.stop = asyncio.Event()
        # Cleared while the overflow holds every slot: hostile cases then wait, since a refused
        # connection (CAPACITY_REACHED, close 1000) is not the answer they check for.
        self.admitting = asyncio.Event()
        self.admitting.set()
        self.failures: list[str] = []
        self.counts: dict[str, int] = {}

    def count(self, what: str, n: int = 1):
        self.counts[what] = self.counts.get(what, 0) + n

    def fail(self, what: str):
        if len(self.failures) < 50:
            self.failures.append(what)

    # -- what the server holds -------------------------------------------------------------
    def sample(self) -> dict:
        pid = self.args.pid
        active = metric(self.args.url, "openenv_active_sessions")
        return {
            "t": round(time.monotonic() - self.started, 1), "rss_kib": resident_kib(pid), "fds": descriptors(pid),
            "active_sessions": None if active is None else int(active),
        }

    async def sampler(self, rows: list):
        while not self.stop.is_set():
            rows.append(await asyncio.to_thread(self.sample))
            try:
                await asyncio.wait_for(self.stop.wait(), 10)
            except asyncio.TimeoutError:
                pass

    # -- activities ------------------------------------------------------------------------
    async def until_stopped(self, interval: float):
        try:
            await asyncio.wait_for(self.stop.wait(), interval)
        except asyncio.TimeoutError:
            pass

    async def bursts_and_overflow(self):
        """A burst, then capacity overflow, in turn: a burst's sessions must all be admitted."""
        while not self.stop.is_set():
            await self.burst()
            await self.until_stopped(10)
            if self.stop.is_set():
                break
            await self.overflow()
            await self.until_stopped(10)

    async def burst(self):
        process = await asyncio.create_subprocess_exec(
            self.args.bench, "--url", self.args.url, "-n", "64", "-w", "0.2", "-t", "30",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await process.communicate()
        if process.returncode != 0 or "64/64 success" not in output.decode():
            self.fail(f"burst of 64 exited {process.returncode}: {output.decode()[-400:]}")
        self.count("bursts")

    async def held_session(self):
        try:
            async with connect(self.ws_url, max_size=None, ping_interval=None) as ws:
                await ws.send(RESET)
                await ws.recv()
                while not self.stop.is_set():
                    await ws.send(STEP)
                    reply = json.loads(await ws.recv())
                    if reply.get("type") != "observation":
                        self.fail(f"held session step: {reply}")
                    self.count("held steps")
                    await self.until_stopped(1)
                await ws.send(json.dumps({"type": "close"}))
        except (ConnectionClosed, OSError) as error:
            self.fail(f"held session ended: {error!r}")

    async def hostile(self):
        cases = [
            ("invalid JSON", "{nope", "INVALID_JSON", None),
            ("binary frame", b"\x00\x01", "INVALID_JSON", None),
            ("message over the limit", "[" + "0," * (self.args.max_message // 2 + 1) + "0]", None, 1009),
        ]
        while not self.stop.is_set():
            for name, payload, code, close_code in cases:
                await self.admitting.wait()
                try:
                    async with connect(self.ws_url, max_size=None, ping_interval=None) as ws:
                        await ws.send(payload)
                        if code:
                            reply = json.loads(await ws.recv())
                            if reply.get("data", {}).get("code") != code:
                                self.fail(f"{name}: {str(reply)[:200]}")
                        else:
                            try:
                                await ws.recv()
                                self.fail(f"{name}: answered instead of closed")
                            except ConnectionClosed as closed:
                                if closed.rcvd is None or closed.rcvd.code != close_code:
                                    self.fail(f"{name}: closed with {closed.rcvd}, expected {close_code}")
                    self.count("hostile frames")
                except (ConnectionClosed, OSError) as error:
                    if close_code is None:
                        self.fail(f"{name}: {error!r}")
                    else:
                        self.count("hostile frames")
            await self.admitting.wait()
            await asyncio.to_thread(self.invalid_utf8)
            await self.until_stopped(1)

    def handshake(self) -> socket.socket:
        host, port = self.args.url.removeprefix("http://").rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.sendall(
            f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(4096)
            if not chunk:
                raise OSError("closed during the upgrade")
            response += chunk
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise OSError(f"upgrade refused: {response[:80]!r}")
        return sock

    @staticmethod
    def masked(opcode: int, payload: bytes) -> bytes:
        mask = b"\x01\x02\x03\x04"
        header = bytes([0x80 | opcode, 0x80 | len(payload)])
        return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

    def invalid_utf8(self):
        """A text frame that is not UTF-8 must be closed with 1007."""
        try:
            sock = self.handshake()
            sock.sendall(self.masked(0x1, b"\xff\xfe"))
            data = b""
            while len(data) < 4:
                chunk = sock.recv(64)
                if not chunk:
                    break
                data += chunk
            sock.close()
            if len(data) < 4 or data[0] & 0x0F != 0x8 or struct.unpack("!H", data[2:4])[0] != 1007:
                self.fail(f"invalid UTF-8: expected close 1007, got {data[:8]!r}")
            self.count("hostile frames")
        except OSError as error:
            self.fail(f"invalid UTF-8: {error!r}")

    async def aborts(self):
        while not self.stop.is_set():
            def abort():
                sock = self.handshake()
                sock.sendall(self.masked(0x1, RESET.encode()))
                sock.recv(4096)
                sock.sendall(self.masked(0x1, json.dumps({"type": "step", "data": {"wait_seconds": 5}}).encode()))
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()  # a reset mid-step
            try:
                await asyncio.to_thread(abort)
                self.count("aborted connections")
            except OSError as error:
                self.fail(f"abort: {error!r}")
            await self.until_stopped(0.5)

    async def idle_connections(self):
        host, port = self.args.url.removeprefix("http://").rsplit(":", 1)
        while not self.stop.is_set():
            def hold():
                socks = [socket.create_connection((host, int(port)), timeout=10) for _ in range(20)]
                for sock in socks[10:]:
                    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # half a request head
                time.sleep(5)
                for sock in socks:
                    sock.close()
            try:
                await asyncio.to_thread(hold)
                self.count("idle connections", 20)
            except OSError as error:
                self.fail(f"idle connections: {error!r}")
            await self.until_stopped(5)

    async def overflow(self):
        sessions, refused = [], 0
        self.admitting.clear()
        await asyncio.sleep(0.5)  # hostile cases already connecting are admitted first
        try:
            for _ in range(self.args.capacity + 16):
                ws = await connect(self.ws_url, max_size=None, ping_interval=None)
                sessions.append(ws)
                try:
                    await ws.send(RESET)
                except ConnectionClosed:
                    pass  # refused: the server sent its error right after the upgrade and closed
                reply = json.loads(await ws.recv())  # queued messages are read even after the close
                if reply.get("data", {}).get("code") == "CAPACITY_REACHED":
                    refused += 1
                elif reply.get("type") != "observation":
                    self.fail(f"overflow: {str(reply)[:200]}")
        except (ConnectionClosed, OSError) as error:
            self.fail(f"overflow: {error!r}")
        finally:
            for ws in sessions:
                await ws.close()
            self.admitting.set()
        if refused < 16:
            self.fail(f"overflow: only {refused} of {self.args.capacity + 16} sessions refused at capacity {self.args.capacity}")
        self.count("capacity refusals", refused)

    async def run(self) -> int:
        self.started = time.monotonic()
        rows: list = []
        baseline = self.sample()
        sampler = asyncio.create_task(self.sampler(rows))
        activities = [asyncio.create_task(c) for c in
                      [self.bursts_and_overflow(), self.hostile(), self.aborts(), self.idle_connections()]
                      + [self.held_session() for _ in range(32)]]
        await asyncio.sleep(self.args.seconds)
        self.stop.set()
        await asyncio.gather(*activities)
        await sampler
        # Quiet: aborted steps (5 s) end, closed sockets are reaped.
        await asyncio.sleep(8)
        final = self.sample()
        rows.append(final)
        with open(os.path.join(self.args.out, "soak.csv"), "w") as out:
            out.write("t,rss_kib,fds,active_sessions\n")
            for row in [baseline] + rows:
                out.write(f"{row['t']},{row['rss_kib']},{row['fds']},{row['active_sessions']}\n")
        warm = next((row for row in rows if row["t"] >= self.args.seconds / 4), rows[0])
        growth_mib = (final["rss_kib"] - warm["rss_kib"]) / 1024
        peak = max(rows, key=lambda row: row["rss_kib"])
        print(f"soak: {self.args.seconds} s, {len(rows)} samples; " + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())))
        print(f"soak: RSS {baseline['rss_kib'] // 1024} MiB at start, {warm['rss_kib'] // 1024} MiB at {warm['t']} s, "
              f"peak {peak['rss_kib'] // 1024} MiB, {final['rss_kib'] // 1024} MiB at the end (growth {growth_mib:.1f} MiB, "
              f"bound {self.args.rss_growth_mib}); descriptors {baseline['fds']} → {final['fds']}; "
              f"active sessions {baseline['active_sessions']} → {final['active_sessions']}")
        if final["active_sessions"] != 0:
            self.fail(f"{final['active_sessions']} sessions still active after the traffic stopped")
        if final["fds"] > baseline["fds"] + 4:
            self.fail(f"descriptors not given back: {baseline['fds']} at start, {final['fds']} at the end")
        if growth_mib > self.args.rss_growth_mib:
            self.fail(f"RSS grew {growth_mib:.1f} MiB from {warm['t']} s to the end (bound {self.args.rss_growth_mib} MiB)")
        for failure in self.failures:
            print("soak: FAILED: " + failure, file=sys.stderr)
        return 1 if self.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--capacity", type=int, required=True)
    parser.add_argument("--max-message", type=int, default=1 << 20)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--rss-growth-mib", type=float, default=64)
    parser.add_argument("--out", default=".")
    return asyncio.run(Soak(parser.parse_args()).run())


if __name__ == "__main__":
    sys.exit(main())
