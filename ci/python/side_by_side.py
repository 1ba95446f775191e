"""Side-by-side table of two `openenv-bench` sweeps (ci/bench-vs-reference): our server and the
Python reference, per burst size, with ratios. Reads DIR/{swift,reference}/summary.csv and
resources.json; prints Markdown. A missing side prints as "not measured".

Usage: side_by_side.py DIR WAIT_SECONDS
"""
import csv
import json
import os
import sys
from collections import defaultdict

out, wait = sys.argv[1], float(sys.argv[2])
bound = 2 * (wait + 0.5)  # the latency bound of the Scaling suite and issue targets


def load(name):
    path = os.path.join(out, name, "summary.csv")
    if not os.path.exists(path):
        return None, None
    runs = defaultdict(list)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            runs[int(row["num_requests"])].append(row)
    resources_path = os.path.join(out, name, "resources.json")
    resources = json.load(open(resources_path)) if os.path.exists(resources_path) else {}
    return runs, resources


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


swift, swift_res = load("swift")
ref, ref_res = load("reference")
sizes = sorted(set(swift or {}) | set(ref or {}))


def cell(runs, n):
    if runs is None or n not in runs:
        return "not measured", None
    success, p99, p50, rate = aggregate(runs[n])
    return f"{success:6.1%} | {p50:6.2f} | {p99:6.2f} | {rate:7.0f}", (p99, rate)


print(f"Bursts of N sessions (connect, reset, step(wait={wait:g} s), close); latency bound p99 ≤ {bound:g} s; "
      f"{len(next(iter((swift or ref or {0: [0]}).values())))} reps per N\n")
print("| N | ours: success | p50 s | p99 s | sessions/s | reference: success | p50 s | p99 s | sessions/s "
      "| p99 ratio (ref/ours) | throughput ratio (ours/ref) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in sizes:
    ours_text, ours = cell(swift, n)
    ref_text, theirs = cell(ref, n)
    if ours_text == "not measured":
        ours_text = "not measured | | |"
    if ref_text == "not measured":
        ref_text = "not measured | | |"
    p99_ratio = f"{theirs[0] / ours[0]:.1f}×" if ours and theirs and ours[0] > 0 else "–"
    rate_ratio = f"{ours[1] / theirs[1]:.1f}×" if ours and theirs and theirs[1] > 0 else "–"
    print(f"| {n} | {ours_text} | {ref_text} | {p99_ratio} | {rate_ratio} |")

print()
print("| | ours | reference | ratio |")
print("|---|---:|---:|---:|")
ours_cap = bounded_capacity(swift) if swift else None
ref_cap = bounded_capacity(ref) if ref else None
ratio = f"{ours_cap / ref_cap:.0f}×" if ours_cap and ref_cap else "–"
print(f"| latency-bounded capacity (sessions) | {ours_cap if ours_cap is not None else 'not measured'} "
      f"| {ref_cap if ref_cap is not None else 'not measured'} | {ratio} |")
for key, label, scale, unit in [
    ("server_peak_rss_kib", "server peak RSS (all processes)", 1 / 1024, "MiB"),
    ("server_cpu_seconds", "server CPU-seconds (whole sweep)", 1, "s"),
    ("client_peak_rss_kib", "client peak RSS", 1 / 1024, "MiB"),
    ("client_cpu_seconds", "client CPU-seconds (whole sweep)", 1, "s"),
]:
    a, b = swift_res.get(key) if swift_res else None, ref_res.get(key) if ref_res else None
    fa = f"{a * scale:.0f} {unit}" if a is not None else "not measured"
    fb = f"{b * scale:.0f} {unit}" if b is not None else "not measured"
    print(f"| {label} | {fa} | {fb} | {f'{b / a:.1f}× (ref/ours)' if a and b else '–'} |")
