"""Side-by-side table of trainer-profile capacity searches (Benchmarks/scripts/bench-vs-reference
with PROFILES=…): per profile, the sustainable concurrency `openenv-bench capacity` found on our
server and on each Python reference, the step p99 of the probe at that concurrency, and ours /
theirs. Reads DIR/{swift,reference-0.10,reference-0.3}/capacity-PROFILE.json; a missing one prints
as "not measured", a search where not even its start passed as "none".

Usage: profiles_side_by_side.py DIR
"""
import glob
import json
import os
import sys

out = sys.argv[1]
servers = ["swift", "reference-0.10", "reference-0.3"]
profiles = sorted({os.path.basename(p)[len("capacity-"):-len(".json")] for p in glob.glob(os.path.join(out, "*", "capacity-*.json"))})


def search(server, profile):
    path = os.path.join(out, server, f"capacity-{profile}.json")
    return json.load(open(path)) if os.path.exists(path) else None


def cell(document):
    if document is None:
        return "not measured", None
    found = document["sustainable_concurrency"]
    if found is None:
        return "none", None
    probe = next((p for p in document["probes"] if p["sessions"] == found and p["passed"]), None)
    p99 = probe and probe["run"].get("measures", {}).get("step_latency", {}).get("p99")
    return (f"{found:,}" + (f" (p99 {p99:.3f} s)" if p99 is not None else "")), found


print("| profile | bound (step p99) | " + " | ".join(servers) + " | ours / 0.10 | ours / 0.3 |")
print("|---|---|" + "---|" * len(servers) + "---|---|")
for profile in profiles:
    documents = {server: search(server, profile) for server in servers}
    cells = {server: cell(documents[server]) for server in servers}
    bound = next((d["step_p99_bound"] for d in documents.values() if d), None)
    ours = cells["swift"][1]

    def ratio(reference):
        theirs = cells[reference][1]
        if ours is None or documents[reference] is None:
            return "not measured"
        return f"{ours / theirs:.1f}x" if theirs else "∞ (none passed theirs)"

    print(f"| {profile} | {bound} s | " + " | ".join(cells[s][0] for s in servers) + f" | {ratio('reference-0.10')} | {ratio('reference-0.3')} |")
