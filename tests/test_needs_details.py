"""No filing lost for one missing fact: 待补充信息, the form that fills it in, department corrections.

A corpus truth file stands in for the parser's output (the parser is exercised elsewhere); with
its department, year or stage removed it is what the parser returns when it cannot read them.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied

from filings import services
from filings.models import Department, Document, Filing, ParsedTable
from review.models import Finding, Flag
from tests import test_parsed_storage as parsed_storage
from tests.conftest import CORPUS

pytestmark = pytest.mark.django_db

NAME = "synth-anshun-hsa-2023-adjustment"
DEPARTMENT = "安顺市医疗保障局"
OTHER = "安顺市人力资源和社会保障局"


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((CORPUS / "truth" / f"{NAME}.json").read_text())


def without(truth: dict, *facts: str) -> dict:
    parsed = copy.deepcopy(truth)
    for fact in facts:
        parsed[fact] = None
    return parsed


def store(parsed: dict, uploader=None, sha: str = "a") -> Document:  # type: ignore[no-untyped-def]
    """As the worker does (the parse stored through document_store_parse), uploaded by ``uploader``."""
    document = parsed_storage.store(parsed, sha=sha)
    Document.objects.filter(pk=document.pk).update(uploaded_by=uploader)
    document.refresh_from_db()
    return document


@pytest.fixture
def waiting(truth, clerk, django_capture_on_commit_callbacks) -> Document:
    """A clerk's upload whose department could not be read."""
    with django_capture_on_commit_callbacks(execute=True):
        return store(without(truth, "department"), uploader=clerk)


@pytest.fixture
def parsed_filing(truth, clerk, django_capture_on_commit_callbacks) -> Document:
    """A clerk's upload filed (with findings) under the department the parser read."""
    with django_capture_on_commit_callbacks(execute=True):
        return store(truth, uploader=clerk)


def post(client, url: str, data: dict, callbacks):  # type: ignore[no-untyped-def]
    # The rules run on commit, as in the worker.
    with callbacks(execute=True):
        return client.post(url, data)


# ---- the status ---------------------------------------------------------------------------


def test_a_parse_without_department_waits_with_its_tables(waiting, truth):
    assert waiting.status == Document.Status.NEEDS_DETAILS
    assert waiting.get_status_display() == "待补充信息"
    assert "无法从文件中读出部门" in waiting.error and "11 张预算表" in waiting.error
    assert waiting.filing is None and not ParsedTable.objects.exists()
    assert waiting.parsed["tables"] == truth["tables"]  # nothing read is lost
    assert (waiting.parsed["year"], waiting.parsed["stage"]) == (2023, "adjustment")


def test_the_message_names_every_missing_fact(truth):
    document = store(without(truth, "department", "year", "stage"))
    assert document.status == Document.Status.NEEDS_DETAILS
    assert "无法从文件中读出部门、年度、预算阶段" in document.error


def test_a_stage_outside_the_vocabulary_is_missing(truth):
    document = store({**truth, "stage": "midyear"})
    assert document.status == Document.Status.NEEDS_DETAILS and "预算阶段" in document.error


def test_a_parse_without_tables_still_fails(truth):
    document = store({**without(truth, "department"), "tables": [], "page_count": 3})
    assert document.status == Document.Status.FAILED and document.parsed is None


# ---- giving the facts ---------------------------------------------------------------------


def test_the_page_and_the_list_offer_the_form(client, clerk, waiting):
    Department.objects.create(name=OTHER)
    client.force_login(clerk)
    page = client.get(f"/documents/{waiting.pk}/").content.decode()
    assert 'action="/documents/%d/details/"' % waiting.pk in page
    assert 'name="department"' in page and 'list="department-names"' in page
    assert f'<option value="{OTHER}">' in page  # existing departments are suggested
    # Only the missing fact is asked; the ones read are shown.
    assert 'name="year"' not in page and "2023" in page and "预算调整" in page
    listing = client.get("/upload/").content.decode()
    assert "待补充信息" in listing and f'href="/documents/{waiting.pk}/#details"' in listing


def test_giving_the_department_forms_the_filing_and_runs_the_rules(
    client, clerk, waiting, truth, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    response = post(
        client,
        f"/documents/{waiting.pk}/details/",
        {"department": f" {DEPARTMENT} "},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Document.Status.PARSED and waiting.error == "" and waiting.parsed is None
    filing = waiting.filing
    assert (filing.department.name, filing.year, filing.stage, filing.version) == (
        DEPARTMENT,
        2023,
        "adjustment",
        1,
    )
    assert filing.tables.count() == len(truth["tables"])
    # The rules ran: the truth file's printed sum mismatch is found.
    assert "sum_mismatch" in set(filing.findings.values_list("anomaly_class", flat=True))
    assert (waiting.given_department, waiting.details_given_by) == (DEPARTMENT, clerk)
    page = client.get(f"/documents/{waiting.pk}/").content.decode()
    assert "已补充信息" in page and 'action="/documents/%d/details/"' % waiting.pk not in page


def test_the_filing_formed_by_hand_equals_a_parsed_one(truth, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        read = store(truth, sha="b")
    with django_capture_on_commit_callbacks(execute=True):
        given = services.document_give_details(
            document=store(without(truth, "department", "year"), uploader=clerk),
            user=clerk,
            department=DEPARTMENT,
            year=2023,
        )
    # Same department/year/stage and the same tables: a corrected re-submission, version 2.
    assert given.filing.previous == read.filing and given.filing.version == 2

    def places(filing: Filing) -> set[str]:
        return set(filing.findings.values_list("place", flat=True))

    assert places(given.filing) == places(read.filing) != set()


def test_all_three_facts_can_be_given(client, clerk, truth, django_capture_on_commit_callbacks):
    document = store(without(truth, "department", "year", "stage"), uploader=clerk)
    client.force_login(clerk)
    post(
        client,
        f"/documents/{document.pk}/details/",
        {"department": DEPARTMENT, "year": "2023", "stage": "final"},
        django_capture_on_commit_callbacks,
    )
    document.refresh_from_db()
    assert (document.filing.year, document.filing.stage) == (2023, "final")
    assert (document.given_year, document.given_stage) == (2023, "final")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["请填写部门名称。", "请填写年度。", "请选择预算阶段。"]),
        (
            {"department": "  ", "year": "二〇二三", "stage": "midyear"},
            ["请填写部门名称。", "年度须为四位数字"],
        ),
        (
            {"department": "局" * 201, "year": "1800", "stage": "original"},
            ["部门名称不能超过 200 个字", "年度应在 2000 至"],
        ),
        (
            {"department": DEPARTMENT, "year": "2023", "stage": "midyear"},
            ["预算阶段只能是年初预算、预算调整或决算"],
        ),
    ],
)
def test_wrong_input_is_refused_in_chinese(client, clerk, truth, data, errors):
    document = store(without(truth, "department", "year", "stage"), uploader=clerk)
    client.force_login(clerk)
    response = client.post(f"/documents/{document.pk}/details/", data)
    assert response.status_code == 200
    page = response.content.decode()
    for error in errors:
        assert error in page
    document.refresh_from_db()
    assert document.status == Document.Status.NEEDS_DETAILS and not Filing.objects.exists()


def test_giving_facts_twice_is_refused(client, clerk, waiting, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    url = f"/documents/{waiting.pk}/details/"
    post(client, url, {"department": DEPARTMENT}, django_capture_on_commit_callbacks)
    page = client.post(url, {"department": OTHER}, follow=True).content.decode()
    assert "不需要补充信息" in page
    assert list(Filing.objects.values_list("department__name", flat=True)) == [DEPARTMENT]


def test_only_the_uploader_or_an_admin_may_give_facts(
    client,
    waiting,
    role_groups,
    django_user_model,
    make_reviewer,
    admin_user,
    django_capture_on_commit_callbacks,
):
    from django.contrib.auth.models import Group

    other_clerk = django_user_model.objects.create_user(username="clerk2", password="x")
    other_clerk.groups.add(Group.objects.get(name="录入员"))
    reviewer = make_reviewer("reviewer_a", Department.objects.create(name=DEPARTMENT))
    url = f"/documents/{waiting.pk}/details/"
    for user in (other_clerk, reviewer):
        client.force_login(user)
        assert client.get(f"/documents/{waiting.pk}/").status_code == 404
        assert client.post(url, {"department": DEPARTMENT}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.document_give_details(document=waiting, user=other_clerk, department=DEPARTMENT)
    waiting.refresh_from_db()
    assert waiting.status == Document.Status.NEEDS_DETAILS
    client.force_login(admin_user)
    assert 'name="department"' in client.get(f"/documents/{waiting.pk}/").content.decode()
    post(client, url, {"department": DEPARTMENT}, django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    assert waiting.status == Document.Status.PARSED and waiting.details_given_by == admin_user


# ---- re-parsing keeps what was given ------------------------------------------------------


def test_a_reparse_keeps_facts_given_by_hand(truth, clerk, waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.document_give_details(document=waiting, user=clerk, department=DEPARTMENT)
    waiting.refresh_from_db()
    filing = waiting.filing
    with django_capture_on_commit_callbacks(execute=True):
        again = services.document_store_parse(
            document=waiting, parsed=without(truth, "department"), seconds=0.1
        )
    assert again.status == Document.Status.PARSED and again.filing == filing
    assert filing.tables.count() == len(truth["tables"])
    # A department the parser does read wins over one given only because it was missing.
    read = services.document_store_parse(document=again, parsed={**truth, "department": OTHER}, seconds=0.1)
    assert read.filing.department.name == OTHER


def test_a_reparse_still_missing_another_fact_asks_only_for_it(truth, clerk, waiting):
    services.document_give_details(document=waiting, user=clerk, department=DEPARTMENT)
    waiting.refresh_from_db()
    again = services.document_store_parse(
        document=waiting, parsed=without(truth, "department", "year"), seconds=0.1
    )
    assert again.status == Document.Status.NEEDS_DETAILS and "读出年度；" in again.error
    assert again.parsed["department"] == DEPARTMENT


# ---- correcting the department ------------------------------------------------------------


def correct(client, document: Document, department: str, callbacks):  # type: ignore[no-untyped-def]
    return post(client, f"/documents/{document.pk}/department/", {"department": department}, callbacks)


def test_the_page_offers_the_correction_to_the_uploader(client, clerk, parsed_filing):
    client.force_login(clerk)
    page = client.get(f"/documents/{parsed_filing.pk}/").content.decode()
    assert 'action="/documents/%d/department/"' % parsed_filing.pk in page
    assert f"当前部门：{DEPARTMENT}" in page


def test_correcting_moves_the_filing_with_its_findings_and_flags(
    client, clerk, truth, parsed_filing, reviewer, django_capture_on_commit_callbacks
):
    filing = parsed_filing.filing
    # The right department already has this year and stage: the moved filing is its version 2.
    with django_capture_on_commit_callbacks(execute=True):
        there = store({**truth, "department": OTHER}, sha="b")
    dismissed = filing.findings.first()
    dismissed.decision, dismissed.reason = Finding.Decision.DISMISSED, "印刷问题"
    dismissed.save()
    Flag.objects.create(filing=filing, table=filing.tables.first(), note="核对", created_by=reviewer)
    findings = filing.findings.count()
    old_department = filing.department
    client.force_login(clerk)
    response = correct(client, parsed_filing, OTHER, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    filing.refresh_from_db()
    assert (filing.department.name, filing.version, filing.previous) == (OTHER, 2, there.filing)
    assert filing.status == Filing.Status.REOPENED
    assert filing.tables.count() == len(truth["tables"]) and filing.flags.count() == 1
    assert filing.findings.count() == findings
    assert filing.findings.get(place=dismissed.place).reason == "印刷问题"
    # The misread department held nothing else: it no longer lingers among the suggestions.
    assert not Department.objects.filter(pk=old_department.pk).exists()
    parsed_filing.refresh_from_db()
    assert parsed_filing.given_department == OTHER and parsed_filing.department_corrected
    page = client.get(f"/documents/{parsed_filing.pk}/").content.decode()
    assert f"部门已更正，预算文件现为“{OTHER} 2023 预算调整 v2”" in page


def test_a_correction_into_an_empty_department_is_version_1(clerk, truth, parsed_filing):
    first = parsed_filing.filing
    second = store(truth, sha="b").filing
    assert (second.previous, second.version) == (first, 2)
    moved = services.filing_correct_department(filing=first, department="新部门", user=clerk)
    assert (moved.department.name, moved.version, moved.previous, moved.status) == (
        "新部门",
        1,
        None,
        Filing.Status.PARSED,
    )
    # The version left behind no longer follows a filing of another department.
    second.refresh_from_db()
    assert second.previous is None and second.history.first().history_user == clerk
    assert Department.objects.filter(name=DEPARTMENT).exists()  # it still has a filing


def test_the_correction_is_in_the_filing_history(
    client, clerk, parsed_filing, django_capture_on_commit_callbacks
):
    filing = parsed_filing.filing
    client.force_login(clerk)
    correct(client, parsed_filing, OTHER, django_capture_on_commit_callbacks)
    latest, before = filing.history.all()[:2]
    assert latest.history_user == clerk
    assert latest.history_change_reason == f"部门由“{DEPARTMENT}”更正为“{OTHER}”"
    assert latest.department_id != before.department_id
    assert latest.department_id == Department.objects.get(name=OTHER).pk


def test_a_reparse_after_a_correction_keeps_the_corrected_department(
    clerk, truth, parsed_filing, django_capture_on_commit_callbacks
):
    services.filing_correct_department(filing=parsed_filing.filing, department=OTHER, user=clerk)
    parsed_filing.refresh_from_db()
    # The parser reads the wrong department again; the correction wins.
    again = services.document_store_parse(document=parsed_filing, parsed=truth, seconds=0.1)
    assert again.filing_id == parsed_filing.filing_id and again.filing.department.name == OTHER
    assert not Filing.objects.filter(department__name=DEPARTMENT).exists()


@pytest.mark.parametrize(
    ("department", "error"), [("", "请填写部门名称。"), (f" {DEPARTMENT}", "填写的部门与当前部门相同。")]
)
def test_a_wrong_correction_is_refused_in_chinese(client, clerk, parsed_filing, department, error):
    client.force_login(clerk)
    response = client.post(f"/documents/{parsed_filing.pk}/department/", {"department": department})
    assert response.status_code == 200 and error in response.content.decode()
    assert Filing.objects.get().department.name == DEPARTMENT


def test_a_signed_off_filing_cannot_be_corrected(client, clerk, parsed_filing):
    filing = parsed_filing.filing
    filing.status = Filing.Status.SIGNED_OFF
    filing.save()
    client.force_login(clerk)
    page = client.get(f"/documents/{parsed_filing.pk}/").content.decode()
    assert (
        "已签批，不能再更正部门" in page
        and 'action="/documents/%d/department/"' % parsed_filing.pk not in page
    )
    page = client.post(
        f"/documents/{parsed_filing.pk}/department/", {"department": OTHER}, follow=True
    ).content.decode()
    assert "该预算文件已签批，不能再更正部门。" in page
    filing.refresh_from_db()
    assert filing.department.name == DEPARTMENT


def test_only_the_uploader_or_an_admin_may_correct(
    client, parsed_filing, make_reviewer, admin_user, django_capture_on_commit_callbacks
):
    url = f"/documents/{parsed_filing.pk}/department/"
    reviewer_a = make_reviewer("reviewer_a", parsed_filing.filing.department)
    reviewer_b = make_reviewer("reviewer_b", Department.objects.create(name="乙局"))
    client.force_login(reviewer_a)
    page = client.get(f"/documents/{parsed_filing.pk}/").content.decode()
    assert 'name="department"' not in page
    assert client.post(url, {"department": OTHER}).status_code == 403
    client.force_login(reviewer_b)
    assert client.post(url, {"department": OTHER}).status_code == 404
    assert Filing.objects.get().department.name == DEPARTMENT
    client.force_login(admin_user)
    correct(client, parsed_filing, OTHER, django_capture_on_commit_callbacks)
    assert Filing.objects.get().department.name == OTHER
