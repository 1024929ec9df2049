#!/usr/bin/env python3
"""Server-side time of the reviewer's heaviest pages: every tab of a 54-page filing, and the dashboard.

    DATABASE_URL=postgres://budget@127.0.0.1:54479/budget DEBUG=1 .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --n 200            # more requests per page (default 50)
    .venv/bin/python bench/pages.py --profile all      # cProfile every page, not only slow ones

Needs a PostgreSQL server (DATABASE_URL; a private one: ``source bin/_lib.sh;
start_postgres var/bench-pg 54479``) and SECRET_KEY or DEBUG=1. No Redis, no Celery.

It creates a throwaway database ``bench_pages_<pid>`` on that server (dropped at the end,
whatever happens), parses ``tests/corpus/pdf/zunyi-hrss-2024-adjustment.pdf`` with the app's
parser and stores it through ``filings.services.document_store_parse`` (its findings made by
``review.services.filing_check``), adds 199 more filings (a few findings each) across 40
departments, and a reviewer (group 审核员) of all 40 departments. Then, logged in as that
reviewer with ``django.test.Client``, it requests each page 3 times to warm up and N times
timed with ``time.perf_counter``: the filing's tabs (targets, the heaviest, with all ~600
performance indicators; then summary, functional, projects, transfers, findings, compare,
history), the findings panel filtered (every status; errors only) and the dashboard
``/filings/`` with 200 filings visible.

The app runs with DEBUG off whatever the environment says (``--debug`` keeps it), static
files through the plain StaticFilesStorage (no collectstatic needed) and 'testserver' allowed.
Server-side time here is Django's handling of the request (middleware, view, SQL, template),
with the database on the same machine; no network, no WSGI server.

Printed, per page: requests timed, p50/p95/p99/max in ms (nearest rank: with N=50, p99 is the
max), SQL queries per request (counted on the warm-up requests, so the timed ones carry no
capture overhead), the response size, and the median CPU time of this process per request
(Python only, the database server's share is not in it; it moves less than wall time when
other work keeps the machine busy, so the load average is printed too). Pages whose p95
exceeds --budget (150 ms, the findings panel's goal) are then profiled with cProfile over
--profile-n requests: the functions with most own time, the app's functions by cumulative
time, and the share of time by area (templates, django-tables2, the ORM, the database driver,
the app's code). No assertions:
it prints figures; the exit status is 1 only if a page does not answer 200.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import logging
import math
import os
import pstats
import random
import statistics
import sys
import sysconfig
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PDF = ROOT / "tests" / "corpus" / "pdf" / "zunyi-hrss-2024-adjustment.pdf"
FILING_TABS = ["targets", "summary", "functional", "projects", "transfers", "findings", "compare", "history"]
WARMUP = 3


def configure(debug: bool) -> None:
    """Settings adjusted before django.setup(): DEBUG off, plain static storage, 'testserver'."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    if not debug:
        settings.DEBUG = False  # no query log, no template debug info: as in production
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # WhiteNoise warns that STATIC_ROOT does not exist when collectstatic was never run.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login otherwise


def seed(filings: int, departments: int) -> tuple[Any, Any, float]:
    """The zunyi filing stored as the app stores it, more filings around it, and their reviewer."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from filings import services
    from filings.models import Department, Document, Filing
    from filings.parsing import parse_pdf
    from filings.roles import REVIEWERS, ensure_role_groups
    from review.models import Decision, Finding, Flag, Severity
    from review.services import filing_check

    ensure_role_groups(Group, Permission)  # the migration made them; cheap to make sure
    reviewer = get_user_model().objects.create_user("bench-reviewer", password=None)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))

    start = time.perf_counter()
    parsed = parse_pdf(PDF)
    parse_seconds = time.perf_counter() - start
    data = PDF.read_bytes()
    document = Document.objects.create(
        original_filename=PDF.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type="application/pdf",
        file=PDF.name,
        status=Document.Status.PARSING,
    )
    document = services.document_store_parse(document=document, parsed=parsed, seconds=parse_seconds)
    if document.status != Document.Status.PARSED:
        raise SystemExit(f"the sample did not store: {document.status} {document.error}")
    filing = Filing.objects.select_related("department").get(pk=document.filing_id)
    # The filing_parsed receiver runs the rules on commit; run them here in case it did not.
    if not filing.findings.exists():
        filing_check(filing=filing)
    table = filing.tables.get(kind="project_expenditure")
    Flag.objects.bulk_create(
        Flag(
            filing=filing,
            table=table,
            row_position=row,
            row_label=f"行{row}",
            note="请核实",
            created_by=reviewer,
        )
        for row in (1, 3, 5)
    )

    others = Department.objects.bulk_create(
        Department(name=f"基准测试部门{i:02d}") for i in range(1, max(1, departments))
    )
    reviewer.reviewed_departments.add(filing.department, *others)
    everyone = [filing.department, *others]
    taken = (filing.department_id, filing.year, filing.stage)
    slots = [
        (department, year, stage)
        for year in range(filing.year, filing.year - 20, -1)
        for stage in (Filing.Stage.ADJUSTMENT, Filing.Stage.ORIGINAL)
        for department in everyone
        if (department.pk, year, stage) != taken
    ][: max(0, filings - 1)]
    statuses = [Filing.Status.PARSED, Filing.Status.IN_REVIEW, Filing.Status.SIGNED_OFF]
    made = Filing.objects.bulk_create(
        Filing(
            department=department,
            year=year,
            stage=stage,
            status=statuses[i % 3],
            reviewer=reviewer if statuses[i % 3] != Filing.Status.PARSED else None,
        )
        for i, (department, year, stage) in enumerate(slots)
    )
    rng = random.Random(2024)
    severities = [Severity.ERROR, Severity.WARNING, Severity.WARNING, Severity.INFO]
    findings = []
    for other in made:
        for j in range(rng.randint(2, 8)):
            severity = rng.choice(severities)
            findings.append(
                Finding(
                    filing=other,
                    rule_id="bench",
                    anomaly_class="arithmetic",
                    severity=severity,
                    table_kind="project_expenditure",
                    key=f"项目{j}",
                    row_position=j,
                    cells=["adjusted"],
                    message="合计与明细之和不符",
                    place=f"bench:{other.pk}:{j}",
                    decision=Decision.OPEN if rng.random() < 0.7 else Decision.RESOLVED,
                )
            )
    Finding.objects.bulk_create(findings)
    return reviewer, filing, parse_seconds


def percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(client: Any, url: str, n: int) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    queries, size, status = 0, 0, 200
    for _ in range(WARMUP):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries, size, status = len(captured.captured_queries), len(response.content), response.status_code
    times, cpu = [], []
    for _ in range(n):
        reset_queries()  # with --debug the query log would otherwise grow
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        status = status if status != 200 else response.status_code
    times.sort()
    return {
        "n": n,
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": times[-1],
        "cpu": statistics.median(cpu),
        "queries": queries,
        "kb": size / 1024,
        "status": status,
    }


AREAS = [
    ("django_tables2", "django-tables2"),
    ("django/template", "templates"),
    ("django/db", "ORM"),
    ("psycopg", "database driver"),
    ("django/utils", "django.utils"),
    ("/django/", "django (other)"),
    ("simple_history", "simple_history"),
    (str(ROOT / "review"), "app: review/"),
    (str(ROOT / "filings"), "app: filings/"),
    (str(ROOT / "config"), "app: config/"),
    ("site-packages", "other packages"),
    (sysconfig.get_paths()["stdlib"], "stdlib (inspect, html, ...)"),
]


def area(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    for needle, label in AREAS:
        if needle in filename:
            return label
    return "other"


def profile(client: Any, url: str, n: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt or 1e-9
    print(f"\n--- cProfile {url}: {n} requests, {1000 * total / n:.0f} ms each under the profiler")
    by_area: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items():
        by_area[area(filename)] += tottime
        rows.append((tottime, cumtime, ncalls, filename, line, func))
    print(
        "own time by area: "
        + ", ".join(
            f"{label} {100 * t / total:.0f}%" for label, t in sorted(by_area.items(), key=lambda kv: -kv[1])
        )
    )
    print(f"{'own %':>6} {'cum %':>6} {'calls/req':>10}  function")
    for tottime, cumtime, ncalls, filename, line, func in sorted(rows, reverse=True)[:top]:
        where = filename.replace(str(ROOT) + "/", "")
        if "site-packages/" in where:
            where = where.split("site-packages/", 1)[1]
        print(
            f"{100 * tottime / total:6.1f} {100 * cumtime / total:6.1f} {ncalls / n:10.0f}  "
            f"{where}:{line}:{func}"
        )
    print(f"{'':>6} {'cum %':>6} {'calls/req':>10}  app functions by cumulative time")
    app = [r for r in rows if r[3].startswith(str(ROOT)) and ".venv" not in r[3]]
    for _own, cumtime, ncalls, filename, line, func in sorted(app, key=lambda r: -r[1])[:top]:
        print(
            f"{'':>6} {100 * cumtime / total:6.1f} {ncalls / n:10.0f}  "
            f"{filename.replace(str(ROOT) + '/', '')}:{line}:{func}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50, help="timed requests per page (default %(default)s)")
    ap.add_argument("--filings", type=int, default=200, help="filings visible on the dashboard")
    ap.add_argument("--departments", type=int, default=40, help="departments they belong to")
    ap.add_argument("--budget", type=float, default=150.0, help="p95 goal in ms (default %(default)s)")
    ap.add_argument(
        "--profile",
        choices=["auto", "all", "none"],
        default="auto",
        help="cProfile the pages over budget (auto), every page, or none",
    )
    ap.add_argument("--profile-n", type=int, default=10, help="requests per profiled page")
    ap.add_argument("--top", type=int, default=15, help="functions listed per profile")
    ap.add_argument("--debug", action="store_true", help="keep DEBUG as the environment sets it")
    args = ap.parse_args(argv)

    configure(args.debug)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_pages_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    start = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    try:
        created = time.perf_counter() - start
        start = time.perf_counter()
        reviewer, filing, parse_seconds = seed(args.filings, args.departments)
        from filings.models import Filing, Indicator
        from review.access import filings_visible_to

        visible = filings_visible_to(reviewer).count()
        indicators = Indicator.objects.filter(target__table__filing=filing).count()
        print(
            f"database {connection.settings_dict['NAME']} migrated in {created:.1f} s; sample parsed in "
            f"{parse_seconds:.1f} s, everything seeded in {time.perf_counter() - start:.1f} s"
        )
        print(
            f"filing {filing.pk} ({filing.department.name} {filing.year} {filing.stage}): "
            f"{filing.tables.count()} tables, {indicators} indicators, {filing.findings.count()} findings; "
            f"{visible} filings visible to the reviewer ({Filing.objects.count()} in all)"
        )
        print(
            f"DEBUG={settings.DEBUG}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
            f"load average {os.getloadavg()[0]:.2f} (other work on the machine inflates the times)\n"
        )

        client = Client()
        client.force_login(reviewer)
        pages = [(f"tab={tab}", f"/filings/{filing.pk}/?tab={tab}") for tab in FILING_TABS]
        # the findings panel as the reviewer filters it (issue 13): every status, errors only
        pages.append(("findings all", f"/filings/{filing.pk}/?tab=findings&status=all"))
        pages.append(("findings error", f"/filings/{filing.pk}/?tab=findings&severity=error"))
        pages.append(("dashboard", "/filings/"))
        heads = ("n", "p50", "p95", "p99", "max", "queries", "KB", "cpu p50")
        print(f"{'page':<16}{heads[0]:>5}" + "".join(f"{h:>9}" for h in heads[1:]) + "  (ms)")
        results = {}
        for label, url in pages:
            r = results[label] = measure(client, url, args.n)
            over = " > budget" if r["p95"] > args.budget else ""
            bad = f"  HTTP {r['status']}" if r["status"] != 200 else ""
            print(
                f"{label:<16}{r['n']:>5}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}"
                f"{r['queries']:>9}{r['kb']:>9.0f}{r['cpu']:>9.1f}{over}{bad}",
                flush=True,
            )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        if args.profile != "none":
            for label, url in pages:
                if args.profile == "all" or results[label]["p95"] > args.budget:
                    profile(client, url, args.profile_n, args.top)
        return 0 if all(r["status"] == 200 for r in results.values()) else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    sys.exit(main())
