"""What a local openenv-server process holds, read the same way by ci/soak and ci/idle-connections."""
import os
import urllib.request

# Loopback only: no *_proxy setting may route these reads elsewhere.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def descriptors(pid: int) -> int:
    """Open descriptors of process `pid` (/proc/PID/fd)."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def resident_kib(pid: int) -> int:
    """VmRSS of process `pid`, in KiB (/proc/PID/status); 0 if absent."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def metric(url: str, name: str) -> float | None:
    """The value of the sample `name` (with its labels, if any) in the server's /metrics; None if absent."""
    with _OPENER.open(url + "/metrics", timeout=10) as reply:
        for line in reply.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.rsplit(" ", 1)[1])
    return None
