# Shared by the deploy/slurm scripts (source it; it defines functions only). Needs bash, no curl.

# http_ok HOST PORT [PATH]: true when GET PATH (default /health) answers 200 within 2 s.
http_ok() {
  local host="$1" port="$2" path="${3:-/health}" status
  status="$(timeout 2 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" "$2" "$0" >&3
    head -n 1 <&3' "$host" "$port" "$path" 2>/dev/null)" || return 1
  [[ "$status" == "HTTP/1."?" 200"* ]]
}

# wait_http_ok SECONDS HOST PORT [PATH]: polls http_ok every 0.5 s; false when time runs out.
wait_http_ok() {
  local deadline=$((SECONDS + $1)); shift
  until http_ok "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# node_addr NODE: the address SLURM itself uses for NODE (NodeAddr, which defaults to its name).
node_addr() {
  scontrol show node "$1" | tr ' ' '\n' | sed -n 's/^NodeAddr=//p' | head -n 1
}

# stop_pids PID...: TERM, up to 10 s grace, then KILL.
stop_pids() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
