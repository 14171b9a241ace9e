"""Background work: periodic jobs run by ``hanoinet worker``.

A worker is a loop (as in Healthchecks' ``sendalerts``): each registered job runs when
due; a job that raises is logged and pushed back instead of crash-looping; SIGTERM
finishes the current job and stops. Jobs that touch shared rows claim them
themselves (conditional updates or ``SELECT … FOR UPDATE SKIP LOCKED``), so several
workers can run at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger("hanoinet.worker")

FAILURE_BACKOFF_SECONDS = 60.0


@dataclass
class Job:
    name: str
    every_seconds: float
    run: Callable[[], int]  # returns how many items it handled
    next_at: float = field(default=0.0)


_REGISTRY: dict[str, Job] = {}


def register_job(
    name: str, every_seconds: float
) -> Callable[[Callable[[], int]], Callable[[], int]]:
    def decorate(func: Callable[[], int]) -> Callable[[], int]:
        _REGISTRY[name] = Job(name=name, every_seconds=every_seconds, run=func)
        return func

    return decorate


def registered_jobs() -> list[Job]:
    return list(_REGISTRY.values())


def run_due_jobs(jobs: list[Job], now: float) -> int:
    """Run each job whose time has come; returns the number of items handled."""
    handled = 0
    for job in jobs:
        if job.next_at > now:
            continue
        try:
            handled += job.run()
        except Exception:
            logger.exception("job %s failed; retrying in %.0f s", job.name, FAILURE_BACKOFF_SECONDS)
            job.next_at = now + FAILURE_BACKOFF_SECONDS
        else:
            job.next_at = now + job.every_seconds
    return handled


def run_worker(stop: threading.Event, *, idle_seconds: float, once: bool = False) -> None:
    jobs = registered_jobs()
    logger.info("worker started with jobs: %s", ", ".join(job.name for job in jobs) or "none")
    while not stop.is_set():
        handled = run_due_jobs(jobs, time.monotonic())
        if once:
            break
        if handled == 0:
            stop.wait(idle_seconds)
    logger.info("worker stopped")
