#!/usr/bin/env python3
"""Checks one `openenv-bench run --profile` against its --summary-json and raw.jsonl (ci/fixture-check's
pass of the trainer profiles against a Python fixture): one raw.jsonl row per session, steps counted
per episode, slot waits only under oversubscribe, no session dropped, no failure but a session
still waiting for a slot when the run ended; or one `capacity --summary-json`.

Usage: profile_check.py run PROFILE STEPS N SUMMARY_JSON RESULTS_DIR
       profile_check.py capacity SUMMARY_JSON LIMIT
"""
import json
import sys


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def check_run(profile, steps, concurrency, summary_path, results):
    run = json.load(open(summary_path))["runs"][-1]
    measures = run["measures"]
    rows = [json.loads(line) for line in open(f"{results}/raw.jsonl") if line.strip()]
    rows = rows[-(run["successful"] + run["failed"]):]
    sent, answered, episodes = measures["steps_sent"], measures["steps_answered"], measures["episodes"]
    slot_waits = measures["slot_wait"]["count"]
    print(f"{profile}: {len(rows)} rows, {run['failed']} failed, {answered}/{sent} steps answered, "
          f"{episodes} episodes, {slot_waits} slot waits, {measures['sessions_dropped']} dropped, "
          f"step p99 {measures['step_latency'].get('p99', 'none')} s")
    if run["successful"] + run["failed"] != len(rows) or len({row["request_id"] for row in rows}) != len(rows):
        fail(f"{profile}: one row per session: summary counts {run['successful'] + run['failed']}, raw.jsonl has {len(rows)}")
    if answered != sent or answered == 0:
        fail(f"{profile}: every step sent is answered: {answered}/{sent}")
    # Every finished episode has STEPS steps; each session in flight at the end may stop inside one more.
    if not (steps * episodes <= answered <= steps * (episodes + concurrency)):
        fail(f"{profile}: steps counted per episode: {answered} steps for {episodes} episodes of {steps}")
    if measures["sessions_dropped"] != 0:
        fail(f"{profile}: {measures['sessions_dropped']} sessions dropped by the server")
    unserved = [row for row in rows if not row["success"]]
    if profile == "oversubscribe":
        if slot_waits == 0:
            fail("oversubscribe: over capacity, slot waits are measured")
        if any(row["error_type"] != "CAPACITY_REACHED" for row in unserved):
            fail(f"oversubscribe: only sessions still waiting for a slot may fail: {[row['error_type'] for row in unserved]}")
    else:
        if slot_waits != 0:
            fail(f"{profile}: slot waits are counted only under oversubscribe, got {slot_waits}")
        if unserved:
            fail(f"{profile}: {len(unserved)} sessions failed: {[row['error_message'] for row in unserved][:3]}")


def check_capacity(summary_path, limit):
    document = json.load(open(summary_path))
    found = document["sustainable_concurrency"]
    probes = document["probes"]
    print(f"capacity ({document['profile']}): {found}; probes {[(p['sessions'], p['passed']) for p in probes]}")
    if found != limit or not probes or not all(p["passed"] for p in probes):
        fail(f"capacity: every probe up to {limit} passes against a fixture of ample capacity")
    for probe in probes:
        run = probe["run"]
        if run["measures"]["steps_answered"] == 0 or run["failed"] != 0:
            fail(f"capacity: probe N={probe['sessions']} answered no step or failed sessions")


if sys.argv[1] == "run":
    check_run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
else:
    check_capacity(sys.argv[2], int(sys.argv[3]))
