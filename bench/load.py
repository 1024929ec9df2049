#!/usr/bin/env python3
"""Load test: logged-in reviewers browse the app while a worker parses a long filing.

    python bench/load.py --url http://127.0.0.1:8000 --username reviewer --password PW \\
        [--clerk-username clerk --clerk-password PW2] [--users 50] [--seconds 60]
    python bench/load.py --short ...        10 users for 10 seconds
    python bench/load.py ... --json         one JSON line instead of the table

The reviewer logs in once; each simulated user (a thread with its own keep-alive
connection and that session cookie) then fetches, at random and without pause (or after a
``--think`` pause, as a person reading the page would), the
dashboard ``/``, the document list, document pages and filing pages. Document and filing
URLs are discovered from the links in ``/`` and ``/documents/`` (``/documents/<id>/``,
``/filings/<id>/``). With a clerk account it first uploads a ``--pages``-page filing made
of the corpus pages (pypdfium2), so a worker is parsing while the pages are served.

Printed: requests, requests/s, latency p50/p95/p99 (ms), errors (HTTP >= 400, a bounce
to the login page, or a connection failure) with a sample of each kind, and per kind of
page its requests, p50 and p95. Exit status 1
when any request failed. Only the standard library (and pypdfium2, for the filing).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "pdf"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LINKS = re.compile(r'href="(/(?:documents|filings)/\d+/)"')


class Session:
    """One browser: a keep-alive connection to the app, its cookies, and Django's CSRF dance."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, timeout: float = 30) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; a dropped keep-alive connection is reopened once (gunicorn closes idle ones)."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                self.close()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        raise AssertionError("unreachable")

    def get(self, path: str, follow: bool = True) -> tuple[int, str, bytes]:
        """GET, following redirects within the app; returns (status, final path, body)."""
        for _ in range(5):
            status, headers, data = self.request("GET", path)
            if not (follow and status in (301, 302, 303) and "location" in headers):
                return status, path, data
            path = urllib.parse.urlsplit(headers["location"]).path or "/"
        return status, path, data

    def csrf_token(self, page: str) -> str:
        status, _, data = self.get(page)
        match = CSRF_FIELD.search(data.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {page} (HTTP {status})")
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        token = self.csrf_token("/accounts/login/")
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        form = urllib.parse.urlencode(fields)
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed (HTTP {status})")

    def upload(self, files: list[tuple[str, bytes]]) -> int:
        """POST files to the upload page as its form does; returns the HTTP status."""
        return self.upload_response(files)[0]

    def upload_response(self, files: list[tuple[str, bytes]]) -> tuple[int, bytes]:
        """The same, returning the status and the body."""
        token = self.csrf_token("/upload/")
        boundary = uuid.uuid4().hex
        body = bytearray()
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'.encode()
        body += token.encode() + b"\r\n"
        for name, data in files:
            quoted = name.replace("\\", "\\\\").replace('"', '\\"')
            body += f"--{boundary}\r\n".encode()
            body += f'Content-Disposition: form-data; name="files"; filename="{quoted}"\r\n'.encode()
            body += b"Content-Type: application/pdf\r\n\r\n" + data + b"\r\n"
        body += f"--{boundary}--\r\n".encode()
        status, _, data = self.request(
            "POST", "/upload/", bytes(body), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return status, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def long_filing(pages: int) -> bytes:
    """A filing of ``pages`` corpus pages, with a unique trailing comment so it is never a duplicate."""
    import io

    import pypdfium2 as pdfium

    sources = [pdfium.PdfDocument(path) for path in sorted(CORPUS.glob("*.pdf"))]
    merged = pdfium.PdfDocument.new()
    while len(merged) < pages:
        for source in sources:
            take = min(len(source), pages - len(merged))
            if take > 0:
                merged.import_pages(source, list(range(take)))
    buffer = io.BytesIO()
    merged.save(buffer)
    merged.close()
    for source in sources:
        source.close()
    return buffer.getvalue() + f"\n% load-{uuid.uuid4().hex}\n".encode()


def discover(session: Session) -> list[str]:
    """The pages a reviewer can reach: the dashboard, the list, and the documents and filings linked."""
    pages = ["/", "/documents/"]
    found: set[str] = set()
    for page in list(pages):
        status, final, data = session.get(page)
        if status == 200:
            if final not in pages:  # ``/`` sends a reviewer to the dashboard: browse that too
                pages.append(final)
            found.update(LINKS.findall(data.decode("utf-8", "replace")))
    return pages + sorted(found)


class Tally:
    """Latencies and errors from all users, under one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.by_page: dict[str, list[float]] = {}

    def add(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_page.setdefault(kind, []).append(seconds)
            if error:
                self.errors[error] += 1


def browse(
    base_url: str,
    cookies: dict[str, str],
    pages: list[str],
    until: float,
    tally: Tally,
    seed: int,
    think: float = 0.0,
) -> None:
    session = Session(base_url, cookies)
    rng = random.Random(seed)
    while time.monotonic() < until:
        if think:
            # A person reads a page before the next click: 0.5x to 1.5x the mean pause.
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        page = rng.choice(pages)
        kind = re.sub(r"\d+", "<id>", page)
        started = time.perf_counter()
        try:
            # Redirects are answers too (``/`` may send a reviewer on); each counts as one request.
            status, headers, _ = session.request("GET", page)
            error = ""
            if status >= 400:
                error = f"HTTP {status} on {kind}"
            elif "/accounts/login/" in headers.get("location", ""):
                error = f"sent to the login page from {kind}"
        except (OSError, http.client.HTTPException) as exc:
            session.close()
            error = f"{type(exc).__name__} on {kind}"
        tally.add(kind, time.perf_counter() - started, error)
    session.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run(args: argparse.Namespace) -> dict[str, object]:
    upload_status = None
    if args.clerk_username:
        clerk = Session(args.url)
        clerk.login(args.clerk_username, args.clerk_password)
        upload_status = clerk.upload([(f"压测-{args.pages}页.pdf", long_filing(args.pages))])
        clerk.close()
    reviewer = Session(args.url)
    reviewer.login(args.username, args.password)
    pages = discover(reviewer)
    reviewer.close()
    tally = Tally()
    started = time.monotonic()
    until = started + args.seconds
    threads = [
        threading.Thread(
            target=browse,
            args=(args.url, reviewer.cookies, pages, until, tally, seed, args.think),
            daemon=True,
        )
        for seed in range(args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = tally.latencies
    return {
        "users": args.users,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors.most_common(10)),
        # Per kind of page: requests, p50 and p95 in ms (a heavy filing page shows up here).
        "pages": {
            kind: [len(times), round(percentile(times, 0.5) * 1000), round(percentile(times, 0.95) * 1000)]
            for kind, times in sorted(tally.by_page.items())
        },
        "distinct_urls": len(pages),
        "upload_status": upload_status,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="reviewer")
    parser.add_argument("--password", required=True)
    parser.add_argument("--clerk-username", help="upload a long filing as this clerk first")
    parser.add_argument("--clerk-password")
    parser.add_argument("--pages", type=int, default=300, help="pages of that filing (default 300)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--short", action="store_true", help="10 users for 10 seconds")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a user reads a page before the next (0: no pause, a stress test)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args(argv)
    if args.short:
        args.users, args.seconds = 10, 10
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
