# The manual benchmarks' measurements of server processes, from /proc (sourced after ci/lib.sh's
# prologue: `source Benchmarks/scripts/measures.sh`).
source "$(dirname "${BASH_SOURCE[0]}")/../../ci/lib.sh"

# CPU-seconds (user + system) of a process and its children, from /proc.
cpu_seconds() {
  python3 - "$@" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
total = 0
for pid in sys.argv[1:]:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15])   # utime stime cutime cstime
    except FileNotFoundError:
        pass
print(total / tick)
PY
}

# process_tree PID: PID and all its descendants, one per line (workers of a supervisor).
process_tree() {
  echo "$1"
  local child
  for child in $(pgrep -P "$1" || true); do process_tree "$child"; done
}

# peak_rss_kib PID...: the sum of each process's peak resident set (VmHWM), in KiB.
peak_rss_kib() {
  local pid total=0 hwm
  for pid in "$@"; do
    hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    total=$((total + ${hwm:-0}))
  done
  echo "$total"
}
