"""Idle connections against one openenv-server process (ci/idle-connections).

Usage: idle_connections.py --url http://127.0.0.1:PORT --pid PID --connections N --head-timeout T --out DIR

Opens N TCP connections that never become requests, half of them silent and half with a partial
request head, while honest WebSocket sessions (connect, reset, step, close) run one after another
on four lanes from before the first idle connection until after the last is closed, in a process of
their own (so the idle connections' client work cannot delay them and pass for the server's). Checks:
  - every honest session is admitted and served, before, during and after (no failure at all),
    with a p99 during the idle connections under --max-honest-p99 (1 s);
  - every idle connection is closed by the server, without an answer, within T + 1 s of the
    last byte it sent (its connect, when silent);
  - the server's descriptors return to what they were before, and /metrics counts N request-head
    timeouts.
Prints the figures (open rate, close delays, honest-session latency before and during) and
writes them to DIR/idle-connections.json. Exit 1, saying why, when a check fails.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import sys
import time

from websockets.asyncio.client import connect

from server_probe import descriptors, metric

RESET = json.dumps({"type": "reset", "data": {}})
STEP = json.dumps({"type": "step", "data": {"wait_seconds": 0}})
PARTIAL_HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: idle"


PHASES = ["before", "during", "after"]


class HonestSessions:
    """Sessions one after another on four lanes, in a child process; `phase` (an index into
    PHASES) says which figures they count for."""

    def __init__(self, ws_url: str):
        self.ws_url = ws_url
        self.phase = multiprocessing.Value("i", 0)
        self.stopping = multiprocessing.Event()
        self.results: multiprocessing.Queue = multiprocessing.Queue()
        self.process = multiprocessing.Process(target=self.run, daemon=True)

    def run(self):
        self.results.put(asyncio.run(self.lanes()))

    async def lanes(self) -> dict:
        latencies: dict[str, list[float]] = {phase: [] for phase in PHASES}
        failures: list[str] = []

        async def lane():
            while not self.stopping.is_set():
                phase = PHASES[self.phase.value]
                start = time.monotonic()
                try:
                    async with connect(self.ws_url, open_timeout=30, ping_interval=None) as ws:
                        await ws.send(RESET)
                        reset = json.loads(await asyncio.wait_for(ws.recv(), 30))
                        await ws.send(STEP)
                        step = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if reset.get("type") == "error" or step.get("type") == "error":
                        failures.append(f"{phase}: error reply {reset} {step}")
                    else:
                        latencies[phase].append(time.monotonic() - start)
                except Exception as error:  # noqa: BLE001 - every failure is reported
                    failures.append(f"{phase}: {type(error).__name__}: {error}")
                await asyncio.sleep(0.05)

        await asyncio.gather(*(lane() for _ in range(4)))
        return {"latencies": latencies, "failures": failures}

    def start(self):
        self.process.start()

    def enter(self, phase: str):
        self.phase.value = PHASES.index(phase)

    def finish(self) -> dict:
        self.stopping.set()
        results = self.results.get(timeout=120)
        self.process.join(timeout=10)
        return results


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


class Run:
    def __init__(self, args):
        self.args = args
        self.host, self.port = args.url.removeprefix("http://").rsplit(":", 1)
        self.ws_url = args.url.replace("http://", "ws://") + "/ws"
        self.close_delays: list[float] = []
        self.answered = 0
        self.not_opened: list[str] = []

    async def idle(self, partial: bool, opened: asyncio.Queue):
        try:
            reader, writer = await asyncio.open_connection(self.host, int(self.port))
        except OSError as error:
            self.not_opened.append(f"{type(error).__name__}: {error}")
            await opened.put(None)
            return
        if partial:
            writer.write(PARTIAL_HEAD)
            await writer.drain()
        last_sent = time.monotonic()
        await opened.put(None)
        try:
            data = await reader.read(1)
            if data:
                self.answered += 1
        except (ConnectionResetError, BrokenPipeError):
            pass
        self.close_delays.append(time.monotonic() - last_sent)
        writer.close()

    async def main(self) -> int:
        args = self.args
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        baseline_fds = descriptors(args.pid)
        honest = HonestSessions(self.ws_url)
        honest.start()
        await asyncio.sleep(3)

        honest.enter("during")
        opened: asyncio.Queue = asyncio.Queue()
        start = time.monotonic()
        idle = []
        for index in range(args.connections):
            idle.append(asyncio.create_task(self.idle(index % 2 == 1, opened)))
            if index % 200 == 199:
                await asyncio.sleep(0)  # let the connects run; the loop stays responsive
        for _ in range(args.connections):
            await opened.get()
        open_seconds = time.monotonic() - start
        held_fds = descriptors(args.pid)
        print(f"idle connections: {args.connections} opened in {open_seconds:.1f} s; server descriptors "
              f"{baseline_fds} before, {held_fds} with them open", flush=True)
        done, pending = await asyncio.wait(idle, timeout=args.head_timeout + 30)
        for task in pending:
            task.cancel()
        honest.enter("after")
        await asyncio.sleep(3)
        results = honest.finish()
        latencies, honest_failures = results["latencies"], results["failures"]

        # Descriptors back to the baseline (the server closes asynchronously: allow it a moment).
        deadline = time.monotonic() + 10
        while descriptors(args.pid) > baseline_fds and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        final_fds = descriptors(args.pid)
        timed_out = metric(args.url, 'openenv_connections_timed_out_total{phase="request_head"}')

        figures = {
            "connections": args.connections,
            "head_timeout_seconds": args.head_timeout,
            "open_seconds": round(open_seconds, 2),
            "closed": len(self.close_delays),
            "not_closed": len(pending),
            "not_opened": len(self.not_opened),
            "answered": self.answered,
            "close_delay_min": round(min(self.close_delays, default=float("nan")), 3),
            "close_delay_p50": round(percentile(self.close_delays, 50), 3),
            "close_delay_max": round(max(self.close_delays, default=float("nan")), 3),
            "honest_sessions": {phase: len(values) for phase, values in latencies.items()},
            "honest_failures": len(honest_failures),
            "honest_p50_ms": {phase: round(percentile(v, 50) * 1000, 1) for phase, v in latencies.items()},
            "honest_p99_ms": {phase: round(percentile(v, 99) * 1000, 1) for phase, v in latencies.items()},
            "honest_max_ms": {phase: round(max(v, default=float("nan")) * 1000, 1) for phase, v in latencies.items()},
            "descriptors": {"before": baseline_fds, "held": held_fds, "after": final_fds},
            "request_head_timeouts": timed_out,
        }
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "idle-connections.json"), "w") as out:
            json.dump(figures, out, indent=2)
        print(json.dumps(figures, indent=2))

        problems = []
        if self.not_opened:
            problems.append(f"{len(self.not_opened)} idle connections could not be opened: {self.not_opened[:3]}")
        if pending:
            problems.append(f"{len(pending)} idle connections were still open {args.head_timeout + 30} s later")
        if self.answered:
            problems.append(f"{self.answered} idle connections got an answer (they made no request)")
        late = [d for d in self.close_delays if d > args.head_timeout + 1]
        if late:
            problems.append(f"{len(late)} idle connections closed later than T + 1 s (latest {max(late):.2f} s, T = {args.head_timeout} s)")
        if honest_failures:
            problems.append(f"{len(honest_failures)} honest sessions failed: {honest_failures[:5]}")
        during_p99 = percentile(latencies["during"], 99)
        if during_p99 > args.max_honest_p99:
            problems.append(f"honest sessions' p99 during the idle connections was {during_p99:.3f} s (bound {args.max_honest_p99} s)")
        if any(len(v) == 0 for v in latencies.values()):
            problems.append(f"a phase ran no honest session: {figures['honest_sessions']}")
        if final_fds > baseline_fds:
            problems.append(f"the server holds {final_fds} descriptors, {baseline_fds} before")
        if timed_out != args.connections:
            counted = "no" if timed_out is None else f"{timed_out:.0f}"
            problems.append(f"/metrics counts {counted} request-head timeouts, not {args.connections}")
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=15000)
    parser.add_argument("--head-timeout", type=float, default=10)
    parser.add_argument("--max-honest-p99", type=float, default=1.0,
                        help="seconds; honest sessions' p99 while the idle connections are held (a bound for a loaded CI machine)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    return asyncio.run(Run(args).main())


if __name__ == "__main__":
    sys.exit(main())
