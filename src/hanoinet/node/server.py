"""``hanoinet serve``: gunicorn in front of the node, static files by WhiteNoise."""

from __future__ import annotations

import gc
from typing import Any

from hanoinet.node.bootstrap import check_node, setup_django
from hanoinet.node.config import data_dir
from hanoinet.node.errors import CliError

# Two threads a process: one runs Python while the other waits on the database. More only
# queue on the GIL (bench/inbox.py, 2 cores, 2 workers: inbox p95 270-290 ms with 4
# threads, 150-170 with 2, 175-190 with 1).
THREADS = 2


def _collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def serve(*, bind: str, workers: int) -> int:
    if workers < 1:
        raise CliError("--workers must be at least 1")
    if ":" not in bind:
        raise CliError(f"--bind {bind!r} must be HOST:PORT, e.g. 127.0.0.1:8000")
    if check_node() != 0:
        raise CliError("refusing to start: fix the errors above (see `hanoinet check`)")
    setup_django()
    _collect_static()
    from gunicorn.app.base import BaseApplication

    from hanoinet.node.wsgi import application

    class NodeServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": bind,
                "workers": workers,
                "worker_class": "gthread",
                "threads": THREADS,
                # A process takes a connection only when one of its threads is free, and
                # closes it after the response: waiting requests queue in the listening
                # socket and go to whichever process frees a thread first. With kept-alive
                # connections each client stayed with the process that accepted it, and
                # the processes got uneven shares (bench/inbox.py, 20 clients on 2
                # processes: 13/7, 16/4, even 18/2), the busier one setting the p95. The
                # reverse proxy in front (nginx by default) opens one connection per request.
                "keepalive": 0,
                "worker_connections": THREADS,
                "timeout": 60,
                "graceful_timeout": 20,
                "accesslog": "-",
                "errorlog": "-",
                "forwarded_allow_ips": "127.0.0.1,::1",
                "proc_name": f"hanoinet-{data_dir().name}",
                # One machine may run several nodes (the demo does): no shared socket.
                "control_socket_disable": True,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    # What is loaded by now (Django, the apps and their models) lives as long as the
    # processes: frozen before the workers fork, it is out of the cyclic collector's
    # reach. A full collection in a worker holds the GIL over both threads' requests;
    # it then scans about a quarter of the objects (in-process: ~90 -> ~30 ms here).
    gc.collect()
    gc.freeze()
    NodeServer().run()
    return 0
