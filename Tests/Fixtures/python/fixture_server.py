"""Serves a fixture app (ci/python/*_env_server.py) with uvicorn, as the fixtures' main().

HOST (127.0.0.1), PORT (8000; 0 binds any free port, with no bind-then-release race),
WORKERS (1). The socket is bound here, before the app serves, so PORT is exported with the
real port (the benchmark env's host_url reports it) and one line is printed for
ci/start-reference-server to read:   bound http://HOST:PORT pid=N
"""

import os
import sys


def concurrency(default_max_envs: int) -> dict:
    """create_fastapi_app's capacity arguments from MAX_CONCURRENT_ENVS (else the default) and
    SESSION_TIMEOUT (seconds; unset: no idle reaper). Both openenv versions accept them."""
    max_envs = int(os.environ.get("MAX_CONCURRENT_ENVS", str(default_max_envs)))
    timeout = os.environ.get("SESSION_TIMEOUT", "")
    if not timeout:
        return {"max_concurrent_envs": max_envs}
    from openenv.core.env_server.types import ConcurrencyConfig

    return {"concurrency_config": ConcurrencyConfig(max_concurrent_envs=max_envs, session_timeout=float(timeout))}


class CountsSteps:
    """Mixin for the MCPEnvironment fixtures: every step, by either path, counts in
    ``state.step_count`` (HTTP /step and /ws use step_async, a direct caller step)."""

    def step(self, action, timeout_s=None, **kwargs):
        self._state.step_count += 1
        return super().step(action, timeout_s=timeout_s, **kwargs)

    async def step_async(self, action, timeout_s=None, **kwargs):
        self._state.step_count += 1
        return await super().step_async(action, timeout_s=timeout_s, **kwargs)


def serve(app, import_string: str, app_dir: str) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    host = os.environ.get("HOST", "127.0.0.1")
    workers = int(os.environ.get("WORKERS", "1"))
    # Bounded graceful shutdown: a step with wait_seconds=1e400 (inf) sleeps forever and
    # would otherwise make SIGTERM hang indefinitely. Several workers need an import string.
    if workers > 1:
        sys.path.insert(0, app_dir)  # the workers import the app by name
    config = uvicorn.Config(
        import_string if workers > 1 else app,
        host=host,
        port=int(os.environ.get("PORT", "8000")),
        workers=workers,
        timeout_graceful_shutdown=5,
        # A worker answers the supervisor's health pings only after it has imported this module,
        # i.e. all of openenv (multiprocessing's spawn re-imports the main module). On a busy
        # 2-core machine that takes longer than uvicorn's 5 s default, and the supervisor kills
        # and restarts the worker in a loop: fewer workers serve than were asked for.
        timeout_worker_healthcheck=60,
    )
    sock = config.bind_socket()
    port = sock.getsockname()[1]
    os.environ["PORT"] = str(port)  # inherited by workers; host_url reports it
    url_host = f"[{host}]" if ":" in host else host
    print(f"bound http://{url_host}:{port} pid={os.getpid()}", flush=True)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        config.load_app()
        uvicorn.Server(config).run(sockets=[sock])
    sys.exit(0)
