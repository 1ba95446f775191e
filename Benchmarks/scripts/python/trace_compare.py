"""Compare a recorded trace with the trace of its replay (both written by `openenv-bench record`).

Usage: python trace_compare.py ORIGINAL REPLAYED [--scale K]

Checks that the replay has the same sessions (× K) with the same messages per session, in the
same order of types, and measures how faithfully it kept the think gaps: a message's gap is
the time from the previous message's reply to it (the client's think time). Sessions are
matched in start order. Prints the figures as one JSON line; exits 1 when a count differs
(gaps are reported, not judged: they depend on the machine's load).
"""

import json
import sys


def sessions(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    header, rest = lines[0], lines[1:]
    assert header.get("format") == "openenv-trace", f"{path}: not a trace"
    found = [s for s in rest if s.get("kind") == "session"]
    return sorted(found, key=lambda s: (s["start"], s["id"]))


def types(session):
    return [json.loads(m["text"]).get("type") if m.get("text") else None for m in session["messages"]]


def gaps(session):
    out, messages = [], session["messages"]
    for previous, message in zip(messages, messages[1:]):
        if previous.get("latency") is not None:
            out.append(message["at"] - (previous["at"] + previous["latency"]))
    return out


def main(original, replayed, scale):
    a, b = sessions(original), sessions(replayed)
    problems = []
    if len(b) != scale * len(a):
        problems.append(f"sessions: {len(a)} recorded × {scale}, {len(b)} replayed")
    # Sessions that start together may be matched in either order: match by message types.
    pool = {}
    for s in b:
        pool.setdefault(tuple(types(s)), []).append(s)
    errors = []
    for s in a:
        for _ in range(scale):
            candidates = pool.get(tuple(types(s)), [])
            if not candidates:
                problems.append(f"session {s['id']}: no replayed session with its {len(s['messages'])} messages in order")
                break
            r = candidates.pop(0)
            errors += [abs(x - y) for x, y in zip(gaps(s), gaps(r))]
    steps = [types(s).count("step") for s in a]
    errors.sort()
    result = {
        "sessions": len(a),
        "replayed_sessions": len(b),
        "steps_per_session": steps,
        "gaps": len(errors),
        "gap_error_ms_max": round(1000 * errors[-1], 3) if errors else None,
        "gap_error_ms_p99": round(1000 * errors[int(0.99 * (len(errors) - 1))], 3) if errors else None,
        "gap_error_ms_median": round(1000 * errors[len(errors) // 2], 3) if errors else None,
        "problems": problems,
    }
    print(json.dumps(result))
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    scale = 1
    if "--scale" in args:
        i = args.index("--scale")
        scale = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(args[0], args[1], scale))
