"""Hostile input to every form and query parameter of the site: 400 or a Chinese message, never 500.

The routes come from the URLconf (``test_every_route_is_walked`` fails when a new one is not
listed here); each is walked with the role that gets furthest into it. Hypothesis draws the
values: NUL bytes, huge and non-ASCII digits (``²``, ``١٢``), negative and huge page sizes,
unknown export formats, arbitrary text. The Django test client re-raises an exception in a view,
so a 500 fails the test with its traceback.

The admin's own filters are walked by tests/test_admin*.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.models import Finding, Flag
from tests import test_access
from tests.conftest import FILING_TABS

pytestmark = pytest.mark.django_db
world = test_access.world  # the fixture: a filing of department A, its documents, a user per role

CHINESE = re.compile(r"[\u4e00-\u9fff]")
HUGE = "99999999999999999999999"
# Values that broke something once, or are known to break integer and text handling.
HOSTILE = [
    "\x00",
    "a\x00b",
    "²",
    "١٢",
    "-1",
    "0",
    "1",
    HUGE,
    str(2**63),
    str(-(2**63) - 1),
    "1e400",
    "NaN",
    "",
    " ",
    "x" * 256,
    "yaml",
    "ods",
    "xls",
    "csv",
    "xlsx",
    "../",
    "/filings/\r\nX: y",
]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)  # lone surrogates cannot be sent
VALUES = st.one_of(st.sampled_from(HOSTILE), TEXT, st.integers().map(str))
EXPORTS = ["csv", "xlsx", "yaml", "ods", "xls", "json", "latex", "tsv", "html"]
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_answered(response: Any, *, also: tuple[int, ...] = ()) -> None:
    """Answered without a server error; a 400 says what was wrong in Chinese."""
    assert response.status_code in (200, 302, 400, 403, 404, *also), response.status_code
    if response.status_code == 400:
        assert CHINESE.search(response.content.decode()), response.content[:300]


def named_routes() -> dict[str, URLPattern]:
    """Every named URL of the site outside the admin, by its reverse() name."""
    routes: dict[str, URLPattern] = {}

    def walk(patterns: list[Any], namespace: list[str]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, namespace + ([pattern.namespace] if pattern.namespace else []))
            elif isinstance(pattern, URLPattern) and pattern.name:
                routes[":".join([*namespace, pattern.name])] = pattern

    walk(get_resolver().url_patterns, [])
    return routes


def _ids(w: dict) -> dict[str, Any]:
    filing = w["filing"]
    flag = Flag.objects.filter(filing=filing).first() or Flag.objects.create(
        filing=filing, table=filing.tables.first(), note="看一下", created_by=w["users"]["reviewer_a"]
    )
    return {
        "filing": filing.pk,
        "table": filing.tables.first().pk,
        "document": w["document"].pk,
        "waiting": w["waiting"].pk,
        "finding": Finding.objects.filter(filing=filing).first().pk,
        "flag": flag.pk,
    }


# name -> (method, role, url from the ids, the fields the page reads)
Route = tuple[str, str, Callable[[dict[str, Any]], str], list[str]]
ROUTES: dict[str, Route] = {
    "home": ("get", "reviewer_a", lambda i: "/", []),
    "login": ("post", "anonymous", lambda i: "/accounts/login/", ["username", "password", "next"]),
    "logout": ("post", "reviewer_a", lambda i: "/accounts/logout/", ["next"]),
    "set_language": ("post", "reviewer_a", lambda i: "/i18n/setlang/", ["language", "next"]),
    "filings:upload": ("post", "clerk", lambda i: "/upload/", ["files"]),
    "filings:documents": ("get", "clerk", lambda i: "/documents/", []),
    "filings:document": ("get", "clerk", lambda i: f"/documents/{i['document']}/", []),
    "filings:document_download": ("get", "clerk", lambda i: f"/documents/{i['document']}/download/", []),
    "filings:document_details": (
        "post",
        "clerk",
        lambda i: f"/documents/{i['waiting']}/details/",
        ["department", "year", "stage"],
    ),
    "filings:document_department": (
        "post",
        "clerk",
        lambda i: f"/documents/{i['document']}/department/",
        ["department"],
    ),
    "review:dashboard": (
        "get",
        "reviewer_a",
        lambda i: "/filings/",
        ["q", "department", "year", "status", "has_open_errors", "sort", "page", "per_page"],
    ),
    "review:filing": (
        "get",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/",
        ["tab", "table", "_export", "severity", "status", "class"],
    ),
    "review:source": (
        "get",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/source/{i['table']}/0/",
        [],
    ),
    "review:unread_source": (
        "get",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/unread/{i['document']}/0/",
        [],
    ),
    "review:page_image": (
        "get",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/pages/{i['document']}/1.png",
        [],
    ),
    "review:narrative_source": (
        "get",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/narrative/{i['finding']}/",
        [],
    ),
    "review:finding_crop": (
        "get",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/findings/{i['finding']}/crop.png",
        [],
    ),
    "review:document_page": (
        "get",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/pages/{i['document']}/1/",
        ["finding"],
    ),
    "review:decide_bulk": (
        "post",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/findings/decide/",
        ["finding", "decision", "reason", "next"],
    ),
    "review:start_review": ("post", "reviewer_a", lambda i: f"/filings/{i['filing']}/start/", ["next"]),
    "review:flag_row": (
        "post",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/flags/",
        ["table", "row", "label", "note", "next"],
    ),
    "review:decide": (
        "post",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/finding/{i['finding']}/decide/",
        ["decision", "reason", "next"],
    ),
    "review:comment": (
        "post",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/comments/",
        ["thread", "body", "next"],
    ),
    "review:sign_off": (
        "post",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/sign-off/",
        ["override_reason", "next"],
    ),
    "review:report": ("get", "reviewer_a", lambda i: f"/filings/{i['filing']}/report.xlsx", []),
    # a text filing has no OCR'd cells: the ids answer 404, the 待核对 page an empty list
    "review:doubtful": ("get", "reviewer_a", lambda i: f"/filings/{i['filing']}/doubtful/", []),
    "review:ocr_crop": ("get", "reviewer_a", lambda i: f"/filings/{i['filing']}/ocr/1/crop.png", []),
    "review:ocr_decide": (
        "post",
        "reviewer_a",
        lambda i: f"/filings/{i['filing']}/ocr/1/correct/",
        ["value", "next"],
    ),
}


def _hints(w: dict, ids: dict[str, Any]) -> dict[str, list[str]]:
    """Values a field is also drawn from, so the draws reach past the first check."""
    tables = [str(pk) for pk in w["filing"].tables.values_list("pk", flat=True)]
    return {
        "tab": [*FILING_TABS, "grids", "diff", "nope"],
        "table": tables,
        "_export": EXPORTS,
        "row": ["0", "1", "3"],
        "decision": ["resolved", "dismissed", "open", "closed"],
        "thread": [f"flag:{ids['flag']}", "flag:abc", f"flag:{HUGE}", "finding:x"],
        "stage": ["original", "adjustment", "final_accounts"],
        "year": ["2024", "1999"],
        "status": ["parsed", "in_review", "signed_off"],
        "has_open_errors": ["true", "false", "unknown"],
        "sort": ["year", "-updated_at", "department", "nope"],
        "next": ["/filings/", "https://evil.example/"],
        "language": ["zh-hans", "en"],
    }


def _fields(name: str, w: dict) -> list[str]:
    fields = list(ROUTES[name][3])
    if name == "review:filing":  # each printed table's own pagination and sorting
        for pk in w["filing"].tables.values_list("pk", flat=True):
            fields += [f"t{pk}-page", f"t{pk}-per_page", f"t{pk}-sort"]
    return fields + ["unknown"]


def _login(client: Any, w: dict, role: str) -> None:
    client.logout()
    if w["users"][role] is not None:
        client.force_login(w["users"][role])


def _send(client: Any, method: str, url: str, data: dict[str, str]) -> Any:
    return getattr(client, method)(url, data)


def test_every_route_is_walked():
    assert set(named_routes()) == set(ROUTES)


# --------------------------------------------------------------------------- the known 500s

# (what, route, data) of every input that answered 500 before this test existed
KNOWN = [
    ("nul_flag_note", "review:flag_row", {"table": "{table}", "note": "a\x00b"}),
    ("nul_comment_body", "review:comment", {"thread": "flag:{flag}", "body": "a\x00b"}),
    ("nul_decide_reason", "review:decide", {"decision": "dismissed", "reason": "a\x00b"}),
    ("nul_override_reason", "review:sign_off", {"override_reason": "a\x00b"}),
    ("flag_table_abc", "review:flag_row", {"table": "abc", "note": "看一下"}),
    ("flag_row_huge", "review:flag_row", {"table": "{table}", "row": HUGE, "note": "看一下"}),
    ("flag_row_superscript", "review:flag_row", {"table": "{table}", "row": "²", "note": "看一下"}),
    ("dashboard_per_page_negative", "review:dashboard", {"per_page": "-1"}),
    ("dashboard_search_superscript", "review:dashboard", {"q": "²"}),
    ("table_per_page_negative", "review:filing", {"tab": "functional", "t{functional}-per_page": "-1"}),
    *[
        (f"export_{fmt}", "review:filing", {"tab": "functional", "table": "{functional}", "_export": fmt})
        for fmt in ("yaml", "ods", "xls")
    ],
    ("login_username_256", "login", {"username": "u" * 256, "password": "x"}),
]


@pytest.mark.parametrize(("what", "name", "data"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_500s_are_answered(client, world, what, name, data):
    method, role, url, _ = ROUTES[name]
    ids = _ids(world)
    ids["functional"] = world["filing"].tables.filter(kind="functional_expenditure").first().pk
    data = {k.format(**ids): v.format(**ids) for k, v in data.items()}
    _login(client, world, role)
    flags, comments = Flag.objects.count(), world["filing"].comments.count()
    response = _send(client, method, url(ids), data)
    assert_answered(response)
    if name == "login":
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    elif response.status_code in (302, 200):
        # refused with a message on the page it leads to, in Chinese
        page = client.get(response["Location"]) if response.status_code == 302 else response
        assert CHINESE.search(page.content.decode())
    # nothing with a NUL byte or a broken id was written
    assert Flag.objects.count() == flags and world["filing"].comments.count() == comments


def test_export_formats_are_csv_and_xlsx_only(client, world):
    _login(client, world, "reviewer_a")
    table = world["filing"].tables.filter(kind="functional_expenditure").first()
    base = f"/filings/{world['filing'].pk}/?tab=functional&table={table.pk}&_export="
    assert client.get(base + "csv")["Content-Type"].startswith("text/csv")
    assert client.get(base + "xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    for fmt in ("json", "tsv", "latex", "yaml"):
        response = client.get(base + fmt)
        assert response.status_code == 400 and "只能导出 csv 或 xlsx" in response.content.decode()


def test_page_sizes_are_bounded(client, world):
    _login(client, world, "reviewer_a")
    for per_page in ("-1", "0", HUGE, "١٢", "²"):
        response = client.get("/filings/", {"per_page": per_page})
        assert response.status_code == 400 and "每页" in response.content.decode()
    assert client.get("/filings/", {"per_page": "20"}).status_code == 200


def test_a_nul_byte_anywhere_is_a_400(client, world):
    _login(client, world, "reviewer_a")
    for response in (
        client.get("/documents/", {"x": "\x00"}),
        client.post(f"/filings/{world['filing'].pk}/comments/", {"thread": "flag:1", "body": "好\x00"}),
        client.get("/filings/", {"\x00": "1"}),
    ):
        assert response.status_code == 400 and "NUL" in response.content.decode()


def test_the_upload_body_is_left_to_the_upload_page(client, world, settings):
    """The guard does not parse an upload: the page refuses a body that is too large unread."""
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024
    _login(client, world, "clerk")
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 200_000)
    response = client.post("/upload/", {"files": [pdf], "x": "\x00"})
    assert response.status_code == 302 and "超过上限" in client.get(response["Location"]).content.decode()


# --------------------------------------------------------------------------- drawn by hypothesis


@pytest.mark.parametrize("name", sorted(ROUTES))
@HYPOTHESIS
@given(data=st.data())
def test_every_field_of_every_route_takes_hostile_values(client, world, name, data):
    method, role, url, _ = ROUTES[name]
    ids = _ids(world)
    hints = _hints(world, ids)
    fields = _fields(name, world)
    keys = data.draw(st.lists(st.sampled_from(fields), max_size=min(4, len(fields)), unique=True))
    values = {
        key: data.draw(st.one_of(st.sampled_from(hints.get(key.rsplit("-", 1)[-1], HOSTILE)), VALUES))
        for key in keys
    }
    if method == "post" and data.draw(st.booleans()):
        values |= {"q": data.draw(VALUES)}  # a query parameter on a post as well
    _login(client, world, role)
    assert_answered(_send(client, method, url(ids), values), also=(429,) if name == "login" else ())


@pytest.mark.parametrize("tab", ["summary", "functional", "projects", "transfers", "targets"])
@HYPOTHESIS
@given(data=st.data())
def test_every_printed_table_takes_hostile_paging_sorting_and_exports(client, world, tab, data):
    """The draws above rarely line up a tab, one of its tables and an export; these always do."""
    tables = list(world["filing"].tables.values_list("pk", flat=True))
    pk = data.draw(st.sampled_from(tables))
    params = {"tab": tab, "table": str(pk)}
    for key, hints in (("_export", EXPORTS), (f"t{pk}-per_page", HOSTILE), (f"t{pk}-page", HOSTILE)):
        if data.draw(st.booleans()):
            params[key] = data.draw(st.one_of(st.sampled_from(hints), VALUES))
    if data.draw(st.booleans()):
        sort = st.sampled_from(["initial", "-code", "name", "x"])
        params[f"t{pk}-sort"] = data.draw(st.one_of(sort, VALUES))
    _login(client, world, "reviewer_a")
    response = client.get(f"/filings/{world['filing'].pk}/", params)
    assert_answered(response)
    if response.status_code == 200 and params.get("_export") in ("csv", "xlsx"):
        assert "Content-Disposition" in response  # a file, not the page (targets too)


@pytest.mark.parametrize("name", sorted(n for n, p in named_routes().items() if p.pattern.converters))
@HYPOTHESIS
@given(data=st.data())
def test_every_id_in_a_path_takes_huge_and_zero(client, world, name, data):
    method, role, _, _ = ROUTES[name]
    converters = named_routes()[name].pattern.converters
    kwargs = {}
    for key, converter in converters.items():
        if converter.regex == "[0-9]+":
            kwargs[key] = data.draw(st.one_of(st.sampled_from([0, 2**31, 2**63, 10**30]), st.integers(0)))
        else:
            kwargs[key] = data.draw(st.sampled_from(["finding", "flag", "x"]))
    _login(client, world, role)
    assert_answered(_send(client, method, reverse(name, kwargs=kwargs), {}))
