"""The worker loop: due jobs run, failures back off, SIGTERM-style stop is honoured."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from hanoinet.node.accounts.models import LoginThrottle
from hanoinet.node.housekeeping import clear_expired_sessions, prune_login_throttle
from hanoinet.node.jobs import (
    FAILURE_BACKOFF_SECONDS,
    Job,
    registered_jobs,
    run_due_jobs,
    run_worker,
)


def test_due_jobs_run_and_are_rescheduled() -> None:
    calls: list[str] = []

    def work() -> int:
        calls.append("a")
        return 1

    job = Job("a", every_seconds=10, run=work)
    assert run_due_jobs([job], now=100.0) == 1
    assert job.next_at == 110.0
    assert run_due_jobs([job], now=105.0) == 0
    assert calls == ["a"]


def test_a_failing_job_backs_off_and_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> int:
        raise RuntimeError("boom")

    bad = Job("bad", every_seconds=1, run=broken)
    good = Job("good", every_seconds=1, run=lambda: 2)
    assert run_due_jobs([bad, good], now=0.0) == 2
    assert bad.next_at == FAILURE_BACKOFF_SECONDS
    assert "job bad failed" in caplog.text


def test_the_loop_stops_when_asked() -> None:
    stop = threading.Event()
    stop.set()
    run_worker(stop, idle_seconds=0.01)  # returns at once instead of looping forever
    run_worker(threading.Event(), idle_seconds=0.01, once=True)


def test_housekeeping_jobs_are_registered() -> None:
    names = {job.name for job in registered_jobs()}
    assert {"clear-expired-sessions", "prune-login-throttle"} <= names


@pytest.mark.django_db
def test_housekeeping_removes_only_stale_rows() -> None:
    store = SessionStore()
    store.create()
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    assert clear_expired_sessions() == 1
    assert Session.objects.filter(session_key=store.session_key).exists()
    LoginThrottle.objects.create(key="ip:1", updated_at=timezone.now() - timedelta(days=2))
    LoginThrottle.objects.create(key="ip:2")
    assert prune_login_throttle() == 1
