"""Every URL for every role: anonymous, clerk, reviewer of department A, reviewer of B, admin.

Reviewers see only their departments' filings, source images, exports and files; uploaded
files are never served publicly.
"""

from __future__ import annotations

import pytest

from filings.models import Department, Document, Filing
from review.models import Comment, Finding, Flag
from tests.conftest import CORPUS, FILING_TABS
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "clerk", "reviewer_a", "reviewer_b", "admin"]
OK, REDIRECT, FORBIDDEN, MISSING = 200, 302, 403, 404
# (name, method, expected per role in ROLES order). A 302 for anonymous is the login redirect.
MATRIX = [
    ("login", "get", [OK, OK, OK, OK, OK]),
    ("home", "get", [REDIRECT] * 5),
    ("upload", "get", [REDIRECT, OK, FORBIDDEN, FORBIDDEN, OK]),
    ("documents", "get", [REDIRECT, OK, OK, OK, OK]),
    ("document", "get", [REDIRECT, OK, OK, MISSING, OK]),
    ("download", "get", [REDIRECT, OK, OK, MISSING, OK]),
    ("media_path", "get", [MISSING] * 5),
    ("dashboard", "get", [REDIRECT, FORBIDDEN, OK, OK, OK]),
    *[(f"tab_{tab}", "get", [REDIRECT, MISSING, OK, MISSING, OK]) for tab in FILING_TABS],
    ("export_csv", "get", [REDIRECT, MISSING, OK, MISSING, OK]),
    ("export_xlsx", "get", [REDIRECT, MISSING, OK, MISSING, OK]),
    ("source", "get", [REDIRECT, MISSING, OK, MISSING, OK]),
    ("page_png", "get", [REDIRECT, MISSING, OK, MISSING, OK]),
    # before the sign-off, the report says 未签批 (tests/test_exports.py)
    ("report", "get", [REDIRECT, MISSING, OK, MISSING, OK]),
    # Writes: a reviewer of A is redirected back with a success message; an admin who is not
    # a reviewer of A is redirected with a refusal (checked separately); others never reach it.
    ("flag", "post", [REDIRECT, MISSING, REDIRECT, MISSING, REDIRECT]),
    ("decide", "post", [REDIRECT, MISSING, REDIRECT, MISSING, REDIRECT]),
    ("comment", "post", [REDIRECT, MISSING, REDIRECT, MISSING, REDIRECT]),
    ("start", "post", [REDIRECT, MISSING, REDIRECT, MISSING, REDIRECT]),
    ("admin_index", "get", [REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK]),
    *[
        (f"admin_{m}", "get", [REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK])
        for m in (
            "filings/document",
            "filings/filing",
            "filings/department",
            "filings/parsedtable",
            "filings/performancetarget",
            "filings/indicator",
            "review/finding",
            "review/flag",
            "review/comment",
            "review/signoff",
            "filings/summaryline",
            "filings/functionalline",
            "filings/projectline",
        )
    ],
    # Facts given by hand: the uploader and admins only. A document waiting for them has no
    # filing, so no reviewer sees it; posting nothing gets the form back with its errors.
    ("document_waiting", "get", [REDIRECT, OK, MISSING, MISSING, OK]),
    ("details_waiting", "post", [REDIRECT, OK, MISSING, MISSING, OK]),
    # On the parsed document: nothing to give (refused with a message), then a real correction
    # of its department, last because it moves the filing.
    ("details", "post", [REDIRECT, REDIRECT, FORBIDDEN, MISSING, REDIRECT]),
    ("department", "post", [REDIRECT, REDIRECT, FORBIDDEN, MISSING, REDIRECT]),
]


@pytest.fixture
def world(
    corpus_parse,
    clerk,
    admin_user,
    role_groups,
    make_reviewer,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "a.pdf").write_bytes((CORPUS / "pdf" / "synth-anshun-hsa-2023-adjustment.pdf").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse("synth-anshun-hsa-2023-adjustment"))
    waiting = store({**corpus_parse("synth-anshun-hsa-2023-adjustment"), "department": None}, sha="b")
    Document.objects.filter(pk=document.pk).update(file="a.pdf", uploaded_by=clerk)
    Document.objects.filter(pk=waiting.pk).update(uploaded_by=clerk)
    filing = Filing.objects.get(pk=document.filing_id)
    reviewers = {
        "reviewer_a": make_reviewer("reviewer_a", filing.department),
        "reviewer_b": make_reviewer("reviewer_b", Department.objects.create(name="乙局")),
    }
    return {
        "filing": filing,
        "document": document,
        "waiting": waiting,
        "users": {"anonymous": None, "clerk": clerk, "admin": admin_user, **reviewers},
    }


def request_for(name: str, world: dict) -> tuple[str, dict]:
    filing, document, waiting = world["filing"], world["document"], world["waiting"]
    table = filing.tables.first()
    functional = filing.tables.filter(kind="functional_expenditure").first()
    finding = Finding.objects.filter(filing=filing).first()
    base = f"/filings/{filing.pk}"
    if name.startswith("tab_"):
        return f"{base}/?tab={name[4:]}", {}
    if name.startswith("admin_") and name != "admin_index":
        return f"/admin/{name[6:]}/", {}
    return {
        "login": ("/accounts/login/", {}),
        "home": ("/", {}),
        "upload": ("/upload/", {}),
        "documents": ("/documents/", {}),
        "document": (f"/documents/{document.pk}/", {}),
        "download": (f"/documents/{document.pk}/download/", {}),
        "media_path": (f"/media/documents/{document.sha256[:2]}/{document.sha256}.pdf", {}),
        "dashboard": ("/filings/", {}),
        "export_csv": (f"{base}/?tab=functional&table={functional.pk}&_export=csv", {}),
        "export_xlsx": (f"{base}/?tab=functional&table={functional.pk}&_export=xlsx", {}),
        "source": (f"{base}/source/{table.pk}/0/", {}),
        "page_png": (f"{base}/pages/{document.pk}/1.png", {}),
        "report": (f"{base}/report.xlsx", {}),
        "flag": (f"{base}/flags/", {"table": table.pk, "row": "0", "note": "看一下"}),
        "decide": (f"{base}/finding/{finding.pk}/decide/", {"decision": "resolved", "reason": "ok"}),
        "comment": (f"{base}/comments/", {"thread": f"finding:{finding.place}", "body": "嗯"}),
        "start": (f"{base}/start/", {}),
        "admin_index": ("/admin/", {}),
        "document_waiting": (f"/documents/{waiting.pk}/", {}),
        "details_waiting": (f"/documents/{waiting.pk}/details/", {}),
        "details": (f"/documents/{document.pk}/details/", {"department": "丙局"}),
        "department": (f"/documents/{document.pk}/department/", {"department": "丙局"}),
    }[name]


@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(client, world, role):
    user = world["users"][role]
    if user:
        client.force_login(user)
    got, expected = {}, {}
    for name, method, statuses in MATRIX:
        url, data = request_for(name, world)
        response = getattr(client, method)(url, data)
        got[name] = response.status_code
        expected[name] = statuses[ROLES.index(role)]
    assert got == expected


def test_matrix_size():
    # Reported in the closing note: URLs x roles walked.
    assert len(MATRIX) * len(ROLES) >= 150


@pytest.fixture
def other(world, corpus_parse, django_capture_on_commit_callbacks):
    """Department B's filing, with its table, document, findings and a flag."""
    with django_capture_on_commit_callbacks(execute=True):
        document = store({**corpus_parse("synth-bijie-hrss-2024-original"), "department": "乙局"}, sha="c")
    filing = Filing.objects.get(pk=document.filing_id)
    assert filing.department.name == "乙局" and filing.findings.exists()
    own_places = set(world["filing"].findings.values_list("place", flat=True))
    flag = Flag.objects.create(
        filing=filing,
        table=filing.tables.first(),
        note="乙局的标记",
        created_by=world["users"]["reviewer_b"],
    )
    return {
        "filing": filing,
        "document": document,
        "table": filing.tables.first(),
        "finding": filing.findings.first(),
        # a place only B's filing has, so a thread on it can name nothing of A's
        "place": filing.findings.exclude(place__in=own_places).values_list("place", flat=True).first(),
        "flag": flag,
    }


def mixed_requests(world: dict, other: dict) -> dict[str, tuple[str, str, dict]]:
    """One's own filing (A) with an id of department B's in the URL or in the body."""
    base = f"/filings/{world['filing'].pk}"
    table, document, finding, flag = other["table"], other["document"], other["finding"], other["flag"]
    decision = {"decision": "dismissed", "reason": "x"}
    return {
        "source_table": ("get", f"{base}/source/{table.pk}/0/", {}),
        "unread_document": ("get", f"{base}/unread/{document.pk}/0/", {}),
        "page_document": ("get", f"{base}/pages/{document.pk}/1.png", {}),
        "export_table": ("get", f"{base}/", {"tab": "functional", "table": table.pk, "_export": "csv"}),
        "flag_table": ("post", f"{base}/flags/", {"table": table.pk, "row": "0", "note": "看一下"}),
        "decide_finding": ("post", f"{base}/finding/{finding.pk}/decide/", decision),
        "decide_flag": ("post", f"{base}/flag/{flag.pk}/decide/", decision),
        "comment_flag": ("post", f"{base}/comments/", {"thread": flag.thread, "body": "嗯"}),
        "comment_finding": (
            "post",
            f"{base}/comments/",
            {"thread": f"finding:{other['place']}", "body": "嗯"},
        ),
    }


def _written() -> tuple:
    return (
        Flag.objects.count(),
        Comment.objects.count(),
        Finding.objects.exclude(decision="open").count(),
        tuple(Flag.objects.order_by("pk").values_list("decision", flat=True)),
    )


@pytest.mark.parametrize("role", ["reviewer_a", "admin"])
def test_own_filing_with_another_departments_ids_is_404(client, world, other, role):
    assert other["place"], "B's filing has a finding at a place A's has not"
    client.force_login(world["users"][role])
    before = _written()
    got = {
        name: getattr(client, method)(url, data).status_code
        for name, (method, url, data) in mixed_requests(world, other).items()
    }
    assert got == dict.fromkeys(got, MISSING)
    assert _written() == before


def test_mixed_matrix_size(world, other):
    # table, document, finding and flag ids, in URLs and in bodies
    assert len(mixed_requests(world, other)) >= 9


def test_only_the_departments_reviewer_can_write(client, world):
    filing = world["filing"]
    table = filing.tables.first()
    client.force_login(world["users"]["admin"])
    page = client.post(f"/filings/{filing.pk}/flags/", {"table": table.pk, "note": "x"}, follow=True)
    assert "只有该部门的审核员" in page.content.decode()
    assert not filing.flags.exists()
    client.force_login(world["users"]["reviewer_a"])
    client.post(f"/filings/{filing.pk}/flags/", {"table": table.pk, "note": "x"})
    assert filing.flags.count() == 1


def test_reviewer_b_does_not_see_a_in_lists(client, world):
    client.force_login(world["users"]["reviewer_b"])
    assert world["document"].original_filename not in client.get("/documents/").content.decode()
    assert f"/filings/{world['filing'].pk}/" not in client.get("/filings/").content.decode()


def test_html_in_cells_is_escaped_in_tables_tooltips_and_admin(client, world):
    filing = world["filing"]
    table = filing.tables.filter(kind="project_performance").first()
    table.target.indicators.filter(position=0).update(initial_name="<script>alert('x')</script>")
    Finding.objects.filter(filing=filing).update(message="<img src=x onerror=alert(1)>")
    client.force_login(world["users"]["reviewer_a"])
    for url in (f"/filings/{filing.pk}/?tab=targets", f"/filings/{filing.pk}/?tab=findings"):
        page = client.get(url).content.decode()
        assert "<script>alert('x')" not in page and "<img src=x" not in page
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
        in client.get(f"/filings/{filing.pk}/?tab=targets").content.decode()
    )
    client.force_login(world["users"]["admin"])
    page = client.get("/admin/review/finding/").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_security_headers(client, world):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_login_is_throttled_after_five_failures(client, world):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "clerk", "password": "pw-clerk"})
    assert locked.status_code == 429 and "锁定" in locked.content.decode()


def test_every_form_carries_a_csrf_token(client, world):
    client.force_login(world["users"]["reviewer_a"])
    for url in (
        "/upload/",
        f"/filings/{world['filing'].pk}/?tab=findings",
        f"/filings/{world['filing'].pk}/",
    ):
        page = client.get(url).content.decode()
        assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"')
    client.force_login(world["users"]["clerk"])
    for document in (world["document"], world["waiting"]):
        page = client.get(f"/documents/{document.pk}/").content.decode()
        assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"') == 3


def test_posts_without_csrf_are_refused(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["users"]["reviewer_a"])
    assert strict.post(f"/filings/{world['filing'].pk}/start/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/upload/")
    assert response["Location"].startswith("/accounts/login/?next=/upload/")


def test_reviewer_cannot_post_uploads(client, reviewer):
    client.force_login(reviewer)
    assert client.post("/upload/", {}).status_code == 403


def test_login_with_the_form(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "pw-clerk"})
    assert response.status_code == 302 and response["Location"] == "/"
    bad = client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    assert "用户名或密码不正确" in bad.content.decode()
