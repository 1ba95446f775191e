# The one prologue of every ci/ script (`source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"`): strict
# mode, $root, the repository as working directory, and the functions below (only these, sourced
# in an interactive shell).
# Servers start on port 0 and print one ready line per serving process: listening http://HOST:PORT pid=N
if [[ $- != *i* ]]; then
  set -euo pipefail
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# artifacts_dir NAME [DIR]: prints (and creates) where a script keeps what it leaves: DIR, else
# $OPENENV_ARTIFACTS, else .build-artifacts/NAME.
artifacts_dir() {
  local dir="${2:-${OPENENV_ARTIFACTS:-$root/.build-artifacts/$1}}"
  mkdir -p "$dir" && echo "$dir"
}

# apt_install COMMAND:PACKAGE...: installs from Debian each PACKAGE whose COMMAND is missing.
apt_install() {
  local tool missing=()
  for tool in "$@"; do command -v "${tool%%:*}" >/dev/null || missing+=("${tool##*:}"); done
  ((${#missing[@]} == 0)) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2
}

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds, or fails after SECONDS.
wait_for() {
  local tries=$(($1 * 10))
  shift
  for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.1; done
  return 1
}

# machine_summary: this machine and how fast it runs Python now, where measurements meet baselines.
machine_summary() {
  local cpu loop
  cpu="$(sed -nE 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)"
  loop="$(python3 -c 'import time; t = time.perf_counter(); sum(i * i for i in range(2_000_000)); print(f"{time.perf_counter() - t:.3f}")')"
  echo "machine: ${cpu:-unknown CPU}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "sched_autogroup $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo '?');" \
    "python: 2e6 squares in $loop s (0.14 s on the 2-core Intel Xeon VM of 2026-12-01)"
}

# python_venv NAME REQUIREMENTS: the path of a venv with the pinned REQUIREMENTS, cached outside the
# clone (OPENENV_VENV_CACHE, default ~/.cache/openenvkit/venv) by their content and the Python
# version, so fresh clones skip pip; linked at .build-venv/NAME. Returns on failure itself ($(...)).
python_venv() {
  local name="$1" requirements="$2" key venv
  key="$( { cat "$requirements"; python3 --version; } | sha256sum | cut -c1-12)" || return 1
  venv="${OPENENV_VENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openenvkit/venv}/$name-$key"
  mkdir -p "$(dirname "$venv")" "$root/.build-venv" || return 1
  (
    flock 9  # two callers creating the same venv at once would remove each other's
    if [[ ! -e "$venv/.complete" ]]; then
      echo "creating venv $venv from $requirements" >&2
      rm -rf "$venv"
      python3 -m venv "$venv" >&2 || exit 1
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2 || exit 1
      touch "$venv/.complete"
    fi
  ) 9>"$venv.lock" || return 1
  # A venv an older checkout made in place is replaced by the link (ln would put it inside).
  [[ -L "$root/.build-venv/$name" || ! -e "$root/.build-venv/$name" ]] || rm -rf "$root/.build-venv/$name"
  ln -sfn "$venv" "$root/.build-venv/$name" || return 1
  echo "$venv"
}

# swift_build ARGS...: `swift build ARGS`, unless OPENENV_SKIP_BUILD is set (ci/entry builds each
# configuration once: every building SwiftPM command re-plans, and may relink tools for ~30 s).
swift_build() {
  [[ -n "${OPENENV_SKIP_BUILD:-}" ]] || swift build "$@"
}

# run_tests CONFIG XUNIT [ARG...]: the test bundle of CONFIG as last built, run directly (what
# `swift test --skip-build` runs, without SwiftPM's lock on .build); the verdict is XUNIT's.
run_tests() {
  local config="$1" xunit="$2"
  shift 2
  "$(swift build -c "$config" --show-bin-path)/OpenEnvKitPackageTests.xctest" --testing-library swift-testing \
    --xunit-output "$xunit" "$@"
}

# ready_port LOG: the port of the first ready line in LOG (empty when there is none).
ready_port() {
  sed -nE 's#^listening https?://.*:([0-9]+) pid=[0-9]+$#\1#p' "$1" 2>/dev/null | head -n 1
}

# start_and_read_ready LOG COUNT CMD [ARG...]: starts CMD (a server on --port 0), output to LOG,
# and waits up to 30 s for COUNT ready lines; sets READY_PID and READY_PORT, or fails showing LOG.
# Not in $(...): the server must be a child of the caller.
start_and_read_ready() {
  local log="$1" count="$2" ready _
  shift 2
  "$@" >"$log" 2>&1 &
  READY_PID=$!
  for _ in $(seq 300); do
    ready="$(grep -cE '^listening https?://.*:[0-9]+ pid=[0-9]+$' "$log" 2>/dev/null || true)"
    if (( ${ready:-0} >= count )); then
      READY_PORT="$(ready_port "$log")"
      return 0
    fi
    kill -0 "$READY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: $* did not print $count ready line(s) within 30 s (or exited); log $log:" >&2
  cat "$log" >&2
  return 1
}

# start_reference_server PIDFILE LOG [VAR=VALUE...]: ci/start-reference-server on port 0 with the
# VAR=VALUE settings (e.g. OPENENV_REFERENCE=0.10 FIXTURE=echo); sets READY_PID and READY_PORT.
start_reference_server() {
  local pidfile="$1" log="$2" ready
  shift 2
  ready="$(env PORT=0 "$@" LOG="$log" ci/start-reference-server "$pidfile")" || return 1
  READY_PID="$(cat "$pidfile")"
  READY_PORT="$(printf '%s\n' "$ready" | ready_port /dev/stdin)"
  [[ -n "$READY_PORT" ]] || { echo "error: no ready line from ci/start-reference-server: $ready" >&2; return 1; }
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
