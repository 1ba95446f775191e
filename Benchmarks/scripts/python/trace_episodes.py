"""Drive a server with the official openenv GenericEnvClient, for `openenv-bench record` to trace.

Usage: python trace_episodes.py URL [--clients C] [--episodes E] [--max-steps S]
           [--think LO,HI] [--action JSON] [--seed N] [--header 'Name: value']...

C clients run at once, each its own WebSocket session, E episodes in all (shared out among
them): a reset, then 1..S steps (seeded), each after a think time drawn uniformly from LO..HI
seconds, then state() once per client and close(). Headers (e.g. a bearer token) go on each
client's WebSocket upgrade, as a trainer's would. Prints one JSON line: the sessions and the
steps each sent. Exits 1 on any error.
"""

import argparse
import asyncio
import json
import random
import sys

from openenv.core.generic_client import GenericEnvClient


async def client_run(url, episodes, args, rng, headers):
    client = GenericEnvClient(base_url=url, headers=headers or None)
    steps = 0
    try:
        for _ in range(episodes):
            await client.reset()
            for _ in range(rng.randint(1, args.max_steps)):
                await asyncio.sleep(rng.uniform(*args.think))
                await client.step(json.loads(args.action))
                steps += 1
        await client.state()
    finally:
        await client.close()
    return steps


async def main(args):
    headers = dict(h.split(": ", 1) for h in args.header)
    shares = [args.episodes // args.clients + (i < args.episodes % args.clients) for i in range(args.clients)]
    rngs = [random.Random(args.seed * 1000 + i) for i in range(args.clients)]
    steps = await asyncio.gather(*(client_run(args.url, n, args, r, headers) for n, r in zip(shares, rngs)))
    print(json.dumps({"sessions": len(steps), "episodes": args.episodes, "steps": steps}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--episodes", type=int, default=50)
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--think", type=lambda s: tuple(float(x) for x in s.split(",")), default=(0.0, 0.1))
    parser.add_argument("--action", default='{"wait_seconds": 0.01}')
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--header", action="append", default=[])
    try:
        asyncio.run(main(parser.parse_args()))
    except Exception as e:
        print(f"trace_episodes: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
