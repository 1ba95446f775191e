"""Differential check of our JSON parser against Python's json (ci/fuzz-libfuzzer).

Usage: json_differential.py DECISIONS FILE...   (DECISIONS: Fuzz/Targets/decisions' line per FILE)
Every difference from json.loads(bytes) must be an intended strictness of ours (INTENDED, by our
parser's reason); any other, above all input we accept and Python refuses, fails (exit 1).
"""
import json
import math
import re
import sys

# Our parser refuses, Python accepts: intended (PROTOCOL.md: strict RFC 8259, one meaning per message).
INTENDED = [
    ("duplicate key (Python keeps the last; Foundation the first)", re.compile(r"^Duplicate key")),
    ("nesting deeper than 128 levels", re.compile(r"^Nesting deeper than")),
    ("number beyond a Double (Python: inf or a big int)", re.compile(r"out of the range of a Double")),
    ("unpaired surrogate escape", re.compile(r"^Unpaired (high|low) surrogate")),
]


def python_decision(data: bytes):
    try:
        return "accept", json.loads(data)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError, int digits
        return "reject", error


def non_finite(value) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(non_finite(v) for v in value)
    if isinstance(value, dict):
        return any(non_finite(v) for v in value.values())
    return False


def category(ours: str, reason: str, theirs: str, value, data: bytes):
    if ours == "reject" and theirs == "accept":
        for name, pattern in INTENDED:
            if pattern.search(reason):
                return name
        if non_finite(value):
            return "NaN or Infinity literal (not JSON)"
        if not data.startswith(b"\xef\xbb\xbf") and (data[:1] == b"\x00" or data[1:2] == b"\x00" or data[:2] in (b"\xff\xfe", b"\xfe\xff")):
            return "UTF-16 or UTF-32 document (Python detects the encoding; messages are UTF-8)"
        if data.startswith(b"\xef\xbb\xbf"):
            return "UTF-8 byte order mark (Python skips it for bytes)"
    return None


def main() -> int:
    decisions = open(sys.argv[1], encoding="utf-8").read().splitlines()
    files = sys.argv[2:]
    if len(decisions) != len(files):
        print(f"error: {len(decisions)} decisions for {len(files)} files", file=sys.stderr)
        return 1
    counts, unexplained = {}, []
    for path, line in zip(files, decisions):
        ours, _, reason = line.partition("\t")
        data = open(path, "rb").read()
        theirs, value = python_decision(data)
        if ours == theirs:
            counts["same decision"] = counts.get("same decision", 0) + 1
            continue
        name = category(ours, reason, theirs, value, data)
        if name is None:
            unexplained.append(f"{path}: ours {ours} ({reason or '-'}), Python {theirs} ({value if theirs == 'reject' else 'a value'}); bytes {data[:80]!r}")
        else:
            counts[name] = counts.get(name, 0) + 1
    print(f"differential: {len(files)} inputs")
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"  {count:7d}  {name}")
    for line in unexplained[:20]:
        print("  UNEXPLAINED " + line)
    if unexplained:
        print(f"error: {len(unexplained)} differences are not an intended strictness", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
