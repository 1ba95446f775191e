"""Side-by-side table of `openenv-bench` sweeps (Benchmarks/scripts/bench-vs-reference): our server and the
Python references (openenv-core 0.3.0 and openenv 0.10.0), per burst size, with ratios. Reads
DIR/{swift,reference-0.3,reference-0.10}/summary.csv and resources.json (an older DIR/reference
is read as the 0.3 reference); prints Markdown. A missing side prints as "not measured".

Usage: side_by_side.py DIR WAIT_SECONDS
"""
import csv
import json
import os
import sys
from collections import defaultdict

out, wait = sys.argv[1], float(sys.argv[2])
bound = 2 * (wait + 0.5)  # the latency bound of the Scaling suite and issue targets


def load(*names):
    """The first of `names` that has a summary.csv: (runs by N, resources), or (None, {})."""
    for name in names:
        path = os.path.join(out, name, "summary.csv")
        if not os.path.exists(path):
            continue
        runs = defaultdict(list)
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                runs[int(row["num_requests"])].append(row)
        resources_path = os.path.join(out, name, "resources.json")
        return runs, (json.load(open(resources_path)) if os.path.exists(resources_path) else {})
    return None, {}


def aggregate(rows):
    """Mean success, worst p99 total, median p50 total, mean sessions/s over the reps."""
    success = sum(int(r["successful"]) / int(r["num_requests"]) for r in rows) / len(rows)
    p99 = max(float(r["total_p99"]) for r in rows)
    p50 = sorted(float(r["total_p50"]) for r in rows)[len(rows) // 2]
    rate = sum(int(r["num_requests"]) / float(r["total_wall_time"]) for r in rows) / len(rows)
    return success, p99, p50, rate


def bounded_capacity(runs):
    """Largest N with mean success ≥ 95 % and every rep's p99 within the bound."""
    ok = [n for n, rows in runs.items()
          if aggregate(rows)[0] >= 0.95 and all(float(r["total_p99"]) <= bound for r in rows)]
    return max(ok) if ok else 0


sides = [("ours", *load("swift")), ("openenv 0.10", *load("reference-0.10")),
         ("openenv-core 0.3", *load("reference-0.3", "reference"))]
ours_runs = sides[0][1]
references = sides[1:]
sizes = sorted(set().union(*[set(runs or {}) for _, runs, _ in sides]))
reps = next((len(rows) for _, runs, _ in sides if runs for rows in runs.values()), 0)


def figures(runs, n):
    return aggregate(runs[n]) if runs is not None and n in runs else None


print(f"Bursts of N sessions (connect, reset, step(wait={wait:g} s), close); latency bound p99 ≤ {bound:g} s; "
      f"{reps} reps per N\n")
header = "| N | " + " | ".join(f"{name}: success | p50 s | p99 s | sessions/s" for name, _, _ in sides)
header += "".join(f" | p99 ratio ({name}/ours) | throughput ratio (ours/{name})" for name, _, _ in references)
print(header + " |")
print("|---:" * (1 + 4 * len(sides) + 2 * len(references)) + "|")
for n in sizes:
    ours = figures(ours_runs, n)
    cells = []
    for _, runs, _ in sides:
        f = figures(runs, n)
        cells.append(f"{f[0]:6.1%} | {f[2]:6.2f} | {f[1]:6.2f} | {f[3]:7.0f}" if f else "not measured | | |")
    for _, runs, _ in references:
        theirs = figures(runs, n)
        cells.append(f"{theirs[1] / ours[1]:.1f}×" if ours and theirs and ours[1] > 0 else "–")
        cells.append(f"{ours[3] / theirs[3]:.1f}×" if ours and theirs and theirs[3] > 0 else "–")
    print(f"| {n} | " + " | ".join(cells) + " |")

print()
print("| | " + " | ".join(name for name, _, _ in sides) + " |")
print("|---" + "|---:" * len(sides) + "|")
caps = [bounded_capacity(runs) if runs else None for _, runs, _ in sides]
print("| latency-bounded capacity (sessions) | "
      + " | ".join(str(c) if c is not None else "not measured" for c in caps) + " |")
for key, label, scale, unit in [
    ("server_peak_rss_kib", "server peak RSS (all processes)", 1 / 1024, "MiB"),
    ("server_cpu_seconds", "server CPU-seconds (whole sweep)", 1, "s"),
    ("client_peak_rss_kib", "client peak RSS", 1 / 1024, "MiB"),
    ("client_cpu_seconds", "client CPU-seconds (whole sweep)", 1, "s"),
]:
    values = [resources.get(key) for _, _, resources in sides]
    print(f"| {label} | " + " | ".join(f"{v * scale:.0f} {unit}" if v is not None else "not measured" for v in values) + " |")
