# Shared by the ci/ scripts that start servers (source it; it defines functions only).

# A free loopback port.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# stop_servers PID...: TERM each, give it up to 10 s (the reference lets in-flight steps run 5 s),
# then KILL it and any uvicorn worker children still alive.
stop_servers() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    pkill -9 -P "$pid" 2>/dev/null || true
    kill -9 "$pid" 2>/dev/null || true
  done
}

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

# wait_for_listeners LOG COUNT: until an openenv-server log shows COUNT processes listening
# (the supervisor and its workers), at most 30 s; fails otherwise.
wait_for_listeners() {
  local _
  for _ in $(seq 300); do
    (( $(grep -c "Listening on" "$1" 2>/dev/null || true) >= $2 )) && return 0
    sleep 0.1
  done
  echo "error: $2 server processes did not listen within 30 s; log $1:" >&2
  cat "$1" >&2
  return 1
}

# ready_url LINE: the URL of a ready line ("listening http://HOST:PORT pid=N").
ready_url() {
  local line="$1"
  line="${line#listening }"
  echo "${line%% *}"
}

# wait_for_ready_url LOG COUNT: waits (at most 30 s) until LOG holds COUNT ready lines (a
# supervisor and its workers print one each) and prints the first one's URL; fails with the log.
wait_for_ready_url() {
  local _ lines
  for _ in $(seq 300); do
    lines="$(grep -E '^listening https?://[^ ]+ pid=[0-9]+$' "$1" 2>/dev/null || true)"
    if (( $(printf '%s' "$lines" | grep -c . || true) >= $2 )); then
      ready_url "$(printf '%s\n' "$lines" | head -1)"
      return 0
    fi
    sleep 0.1
  done
  echo "error: $2 ready line(s) not printed within 30 s; log $1:" >&2
  cat "$1" >&2
  return 1
}
