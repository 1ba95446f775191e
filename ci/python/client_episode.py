"""Run one benchmark-env episode with openenv-core's real Python client.

Usage: python ci/python/client_episode.py http://127.0.0.1:8000

Used against both the Python reference and the Swift server: if the official
client is happy, the server speaks the protocol the way real users see it.
Exits non-zero on any failure.
"""

import asyncio
import json
import re
import sys
import time

# In 0.3.0 EnvClient/GenericEnvClient are async (websockets); .sync() wraps them.
from openenv.core.generic_client import GenericEnvClient

WAIT = 0.1


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def show(label: str, value) -> None:
    print(f"{label:6} {json.dumps(value, sort_keys=True)}")


async def episode(url: str) -> None:
    client = GenericEnvClient(base_url=url)
    try:
        r = await client.reset()
        show("reset", {"observation": r.observation, "reward": r.reward, "done": r.done})
        obs0 = r.observation
        check(obs0.get("step_count") == 0, "reset: step_count != 0")
        check(
            re.fullmatch(r"[0-9a-f]{12}", str(obs0.get("session_hash"))) is not None,
            "reset: session_hash is not 12 lowercase hex chars",
        )
        check(r.reward is None and r.done is False, "reset: reward/done not None/False")

        t0 = time.monotonic()
        r = await client.step({"wait_seconds": WAIT})
        elapsed = time.monotonic() - t0
        show("step", {"observation": r.observation, "reward": r.reward, "done": r.done})
        obs1 = r.observation
        check(abs(obs1.get("waited_seconds", -1) - WAIT) < 1e-9, "step: waited_seconds != 0.1")
        check(elapsed >= WAIT * 0.95, f"step: answered after {elapsed:.3f}s < {WAIT}s")
        check(obs1.get("step_count") == 1, "step: step_count != 1")
        check(obs1.get("session_hash") == obs0["session_hash"], "step: session_hash changed")
        check(r.reward is None and r.done is False, "step: reward/done not None/False")

        s = await client.state()
        show("state", s)
        check(s.get("step_count") == 1, "state: step_count != 1")
        check(isinstance(s.get("episode_id"), str), "state: episode_id not a string")
    finally:
        await client.close()  # sends {"type":"close"} then closes the socket


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        asyncio.run(episode(sys.argv[1]))
    except Exception as e:  # AssertionError, connection errors, server error replies
        print(f"client episode: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print("client episode: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
