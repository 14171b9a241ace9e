"""Inbox benchmark: a node on PostgreSQL holding 100,000 request threads; 20 concurrent
clients load the request inbox and request pages over HTTP on 127.0.0.1.

Prints p50/p95 of the inbox and request pages and, measured in the same run against
the same server, of a static file. Target: inbox p95 under 150 ms. The last line is one
JSON object with the metric, the baseline, the ratio and the target.

    python bench/inbox.py            # 100,000 threads, 20 clients x 50 requests
    python bench/inbox.py --quick    # 10,000 threads, 20 clients x 15 requests
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
TARGET_P95_MS = 150.0

SEED = """
import random, uuid
from datetime import timedelta
from django.utils import timezone
from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit
from hanoinet.node.accounts.roles import Role
from hanoinet.node.accounts.actions import do_create_user
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.requests.models import CooperationRequest, RequestEvent
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY

unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
user = do_create_user(system_actor("bench"), username="bench", email="b@example.org", unit=unit,
                      roles=[Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY],
                      password="a long enough bench password")
device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
states = ["KHM", "FRA", "THA", "IDN", "PHL", "MYS", "LAO", "SGP"]
kinds = ["preservation", "stored_data", "mla", "emergency", "provisional_measures"]
statuses = ["delivered", "acknowledged", "in_progress", "executed", "closed", "refused"]
now = timezone.now()
fields = example("preservation")
batch = []
for i in range({n}):
    incoming = i % 3 != 0
    batch.append(CooperationRequest(
        direction="incoming" if incoming else "outgoing", kind=random.choice(kinds),
        counterpart=random.choice(states), status=random.choice(statuses), fields=fields,
        urgency=random.choice(["routine", "routine", "urgent", "emergency"]),
        reference=f"R-{{i}}", thread_id=str(uuid.uuid4()), model_version="2026.1",
        unit=None if incoming else unit, created_by=None if incoming else user,
        updated_at=now - timedelta(minutes=i)))
    if len(batch) == 5000:
        CooperationRequest.objects.bulk_create(batch)
        batch = []
CooperationRequest.objects.bulk_create(batch)
rows = list(CooperationRequest.objects.order_by("-id").values_list("id", flat=True)[:2000])
RequestEvent.objects.bulk_create([RequestEvent(request_id=pk, event="received", side="requested",
    status_after="delivered", actor_label="bench") for pk in rows for _ in range(3)])
# A live database has planner statistics (autovacuum keeps them); a freshly bulk-loaded
# one has none until autovacuum's next pass, and the planner then guesses badly.
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
print("SESSION=" + session.session_key)
recent = CooperationRequest.objects.order_by("-updated_at").values_list("code", flat=True)[:2000]
print("CODES=" + ",".join(str(c) for c in recent))
"""


def measure(port: int, paths: list[str], cookie: str, clients: int) -> list[float]:
    def one_client(my_paths: list[str]) -> list[float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        times = []
        for path in my_paths:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": f"hanoinet_session={cookie}"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, f"{path}: HTTP {response.status}"
            times.append((time.perf_counter() - started) * 1000)
        conn.close()
        return times

    chunks = [paths[i::clients] for i in range(clients)]
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return sorted(t for result in pool.map(one_client, chunks) for t in result)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(len(values) * share))]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    threads = 10_000 if args.quick else 100_000
    per_client = 15 if args.quick else 50
    clients = 20

    from tests.flows.network import LiveNode
    from tests.flows.test_serve import free_port

    name = f"hanoinet_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # our own name: hex only
    folder = Path(tempfile.mkdtemp(prefix="hanoinet-bench-inbox-"))
    port = free_port()
    env = {
        "HANOINET_DATA_DIR": str(folder / "node"),
        "HANOINET_STATE": "VNM",
        "HANOINET_HTTPS": "0",
        "DATABASE_URL": f"{PG}/{name}",
    }
    node = LiveNode("vnm", "VNM", folder / "node", port, env)
    try:
        node.ok("init", "--no-input")
        print(f"seeding {threads:,} request threads on PostgreSQL …", flush=True)
        started = time.perf_counter()
        output = node.python(SEED.format(n=threads))
        print(f"  seeded in {time.perf_counter() - started:.0f} s")
        cookie = re.search(r"SESSION=(\S+)", output).group(1)  # type: ignore[union-attr]
        codes = re.search(r"CODES=(\S+)", output).group(1).split(",")  # type: ignore[union-attr]
        node.start_server(workers=2)
        total = clients * per_client
        filters = [
            "",
            "?direction=incoming",
            "?status=delivered",
            "?kind=preservation",
            "?urgency=emergency",
            "?state=KHM",
        ]
        inbox_paths = [f"/requests/{random.choice(filters)}" for _ in range(total)]
        page_paths = [f"/requests/{random.choice(codes)}/" for _ in range(total)]
        static_paths = ["/static/hanoinet/css/hanoinet.css"] * total
        measure(port, inbox_paths[:clients], cookie, clients)  # warm up every worker
        inbox = measure(port, inbox_paths, cookie, clients)
        pages = measure(port, page_paths, cookie, clients)
        static = measure(port, static_paths, cookie, clients)
    finally:
        node.stop()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for label, values in (
        ("inbox (request list)", inbox),
        ("request page", pages),
        ("static file", static),
    ):
        p50, p95_of = statistics.median(values), percentile(values, 0.95)
        print(f"{label:>22}: p50 {p50:6.1f} ms  p95 {p95_of:6.1f} ms  ({len(values)} requests)")
    p95 = percentile(inbox, 0.95)
    static_p95 = percentile(static, 0.95)
    print(
        json.dumps(
            {
                "metric": "inbox_p95_ms",
                "value": round(p95, 1),
                "baseline": "static file p95 ms, same server",
                "baseline_value": round(static_p95, 1),
                "ratio": round(p95 / static_p95, 2) if static_p95 else None,
                "target": TARGET_P95_MS,
                "threads": threads,
                "request_page_p95_ms": round(percentile(pages, 0.95), 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
