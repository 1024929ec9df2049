"""Signed means sealed (issue 11, items 1, 2 and 6): no re-parse, race or version changes what was signed.

A re-parse of a signed filing's document makes a new version; a re-parse in place keeps the
reviewers' flags, comments and decisions; a sign-off and a document joining the filing serialise
on the filing row; only the latest version can be signed, and a corrected re-upload carries the
filing's other documents and unchanged decisions forward.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from filings import services
from filings.models import Document, Filing, ParsedTable
from filings.signals import filing_parsed
from review.models import Comment, Finding, Flag, SignOff
from review.services import ReviewRefused, comment_add, decide, filing_sign_off, flag_create
from tests.test_parsed_storage import store

SAMPLE = Path(__file__).parent / "corpus" / "pdf" / "synth-bijie-hrss-2024-original.pdf"
NAME = "synth-anshun-hsa-2023-adjustment"


def uploaded_by(document: Document, user) -> Document:  # type: ignore[no-untyped-def]
    Document.objects.filter(pk=document.pk).update(uploaded_by=user)
    document.refresh_from_db()
    return document


def sign(filing: Filing, user) -> SignOff:  # type: ignore[no-untyped-def]
    return filing_sign_off(filing=Filing.objects.get(pk=filing.pk), user=user, override_reason="测试越过")


def split_filing(parsed: dict, callbacks) -> tuple[Document, Document]:  # type: ignore[no-untyped-def]
    """One filing from two PDFs: the first three tables in one, the rest in the other."""
    with callbacks(execute=True):
        first = store(parsed | {"tables": parsed["tables"][:3]}, "a")
        second = store(parsed | {"tables": parsed["tables"][3:]}, "b")
    assert first.filing_id == second.filing_id
    return first, second


# ---- 1. a re-parse never rewrites a signed filing, nor drops what reviewers wrote -----------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reparse_outdated_of_a_signed_filing_makes_a_new_version_and_leaves_the_signed_one(
    celery_worker, clerk_client, make_reviewer, wait_for
):
    clerk_client.post("/upload/", {"files": [SimpleUploadedFile("毕节.pdf", SAMPLE.read_bytes())]})
    wait_for(lambda: Document.objects.filter(status=Document.Status.PARSED).exists(), what="the parse")
    document = Document.objects.get()
    signed = document.filing
    reviewer = make_reviewer("sealer", signed.department)
    wait_for(lambda: signed.findings.exists(), what="the rules")
    table = signed.tables.order_by("position").first()
    flag = flag_create(
        filing=signed, table=table, row_position=0, row_label="合计", note="核对", user=reviewer
    )
    comment_add(filing=signed, thread=flag.thread, body="已与纸质表核对", user=reviewer)
    sign(signed, reviewer)
    tables = set(signed.tables.values_list("pk", flat=True))
    findings = set(signed.findings.values_list("pk", "decision"))
    # As after a parser upgrade: bin/run re-queues every document read by an older parser.
    Document.objects.filter(pk=document.pk).update(parser_version="0.9")
    call_command("reparse_documents", "--outdated", stdout=io.StringIO())
    wait_for(
        lambda: Document.objects.filter(pk=document.pk, attempts=2, status=Document.Status.PARSED).exists(),
        what="the re-parse",
    )
    wait_for(lambda: Filing.objects.filter(previous=signed).exists(), what="the new version")
    signed.refresh_from_db()
    assert signed.status == Filing.Status.SIGNED_OFF
    assert set(signed.tables.values_list("pk", flat=True)) == tables
    assert set(signed.findings.values_list("pk", "decision")) == findings
    assert Flag.objects.get(pk=flag.pk).table_id == table.pk
    assert Comment.objects.get(thread=flag.thread).filing_id == signed.pk
    newer = Filing.objects.get(previous=signed)
    assert (newer.version, newer.status) == (2, Filing.Status.REOPENED)
    assert newer.tables.count() == len(tables) and not set(newer.tables.values_list("pk", flat=True)) & tables
    document.refresh_from_db()
    assert document.filing_id == newer.pk


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_requeue_in_the_admin_of_a_signed_filing_leaves_it_as_signed(
    celery_worker, clerk_client, admin_user, make_reviewer, client, wait_for
):
    clerk_client.post("/upload/", {"files": [SimpleUploadedFile("毕节.pdf", SAMPLE.read_bytes())]})
    wait_for(lambda: Document.objects.filter(status=Document.Status.PARSED).exists(), what="the parse")
    document = Document.objects.get()
    signed = document.filing
    reviewer = make_reviewer("sealer", signed.department)
    wait_for(lambda: signed.findings.exists(), what="the rules")
    flag = flag_create(
        filing=signed,
        table=signed.tables.first(),
        row_position=None,
        row_label="",
        note="整表",
        user=reviewer,
    )
    sign(signed, reviewer)
    tables = set(signed.tables.values_list("pk", flat=True))
    client.force_login(admin_user)
    response = client.post(
        "/admin/filings/document/",
        {"action": "requeue_documents", "_selected_action": [document.pk]},
        follow=True,
    )
    assert "已重新排队 1 个文档" in response.content.decode()
    wait_for(lambda: Filing.objects.filter(previous=signed).exists(), what="the new version")
    wait_for(lambda: Document.objects.filter(pk=document.pk, attempts=2).exclude(status="parsing").exists())
    assert set(signed.tables.values_list("pk", flat=True)) == tables
    assert Flag.objects.filter(pk=flag.pk, table__filing=signed).exists()
    assert Filing.objects.get(pk=signed.pk).status == Filing.Status.SIGNED_OFF


@pytest.mark.django_db
def test_reparse_in_place_keeps_flags_comments_and_decisions(
    corpus_parse, reviewer, django_capture_on_commit_callbacks
):
    parsed = corpus_parse(NAME)
    with django_capture_on_commit_callbacks(execute=True):
        document = store(parsed)
    filing = document.filing
    filing.department.reviewers.add(reviewer)
    table = filing.tables.order_by("position")[1]
    row_flag = flag_create(
        filing=filing, table=table, row_position=2, row_label="行", note="核对", user=reviewer
    )
    decide(item=row_flag, decision="dismissed", reason="已核实", user=reviewer)
    comment_add(filing=filing, thread=row_flag.thread, body="见附件", user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_store_parse(document=document, parsed=parsed, seconds=0.1)
    kept = Flag.objects.get(pk=row_flag.pk)
    assert kept.table is not None and kept.table_id != table.pk  # the rows were rewritten …
    assert (kept.table.title, kept.table.position, kept.table.filing_id) == (table.title, 1, filing.pk)
    assert (kept.decision, kept.reason) == ("dismissed", "已核实")  # … the reviewer's mark was not
    assert Comment.objects.filter(thread=kept.thread, filing=filing).count() == 1
    # The re-parse is in the filing's history, with its reason.
    assert "重新解析" in filing.history.first().history_change_reason


@pytest.mark.django_db
def test_a_flag_whose_table_is_gone_after_a_reparse_stays(corpus_parse, reviewer):
    parsed = corpus_parse(NAME)
    document = store(parsed)
    filing = document.filing
    filing.department.reviewers.add(reviewer)
    last = filing.tables.order_by("-position").first()
    flag = flag_create(
        filing=filing, table=last, row_position=None, row_label="", note="整表存疑", user=reviewer
    )
    services.document_store_parse(
        document=document, parsed=parsed | {"tables": parsed["tables"][:-1]}, seconds=0
    )
    kept = Flag.objects.get(pk=flag.pk)
    assert kept.table is None and kept.note == "整表存疑" and kept.table_title == last.title


# ---- 2. sign-off and a joining document serialise on the filing row -------------------------


@pytest.mark.django_db(transaction=True)
def test_sign_off_waits_for_a_joining_document_and_refuses_its_uploader(corpus_parse, make_reviewer):
    parsed = corpus_parse(NAME)
    base = store(parsed | {"tables": parsed["tables"][:3]}, "a")
    filing = base.filing
    # A clerk who is also a reviewer of the department uploads the rest of the filing …
    both = make_reviewer("clerk-reviewer", filing.department)
    joining = uploaded_by(
        Document.objects.create(
            original_filename="rest.pdf",
            sha256="b" * 64,
            size=1,
            content_type="application/pdf",
            file="rest.pdf",
            status=Document.Status.PARSING,
        ),
        both,
    )
    attached, signed = threading.Event(), threading.Event()
    outcome: list[str] = []

    def hold(sender, filing, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Inside the parse's transaction, right after the document joined: let the sign-off try now.
        attached.set()
        signed.wait(timeout=3)

    def parse() -> None:
        try:
            services.document_store_parse(
                document=joining, parsed=parsed | {"tables": parsed["tables"][3:]}, seconds=0.1
            )
        finally:
            connection.close()

    def sign_now() -> None:
        attached.wait(timeout=10)
        try:
            sign(filing, both)
            outcome.append("signed")
        except ReviewRefused as exc:
            outcome.append(str(exc))
        finally:
            signed.set()
            connection.close()

    filing_parsed.connect(hold, weak=False, dispatch_uid="test-hold")
    try:
        threads = [threading.Thread(target=parse), threading.Thread(target=sign_now)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        filing_parsed.disconnect(dispatch_uid="test-hold")
    # … and signs it as it joins: refused, since the lock makes the sign-off see the document.
    assert outcome == ["上传该文件的人不能签批（四眼原则）。"]
    assert not SignOff.objects.exists()
    assert Document.objects.get(pk=joining.pk).filing_id == filing.pk


@pytest.mark.django_db
def test_the_sign_off_records_every_document_and_refuses_any_uploader(
    corpus_parse, reviewer, make_reviewer, django_capture_on_commit_callbacks
):
    first, second = split_filing(corpus_parse(NAME), django_capture_on_commit_callbacks)
    filing = first.filing
    filing.department.reviewers.add(reviewer)
    uploader = make_reviewer("uploader-of-one", filing.department)
    uploaded_by(second, uploader)
    with pytest.raises(ReviewRefused, match="四眼"):
        sign(filing, uploader)
    sign_off = sign(filing, reviewer)
    assert sorted(sign_off.document_sha256) == sorted([first.sha256, second.sha256])


# ---- 6. versions ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_latest_version_can_be_signed(corpus_parse, reviewer, client):
    parsed = corpus_parse(NAME)
    older = store(parsed, "a").filing
    newer = store(parsed, "b").filing  # the same tables again: a corrected re-submission
    assert newer.previous_id == older.pk
    older.department.reviewers.add(reviewer)
    with pytest.raises(ReviewRefused, match="第 2 版"):
        sign(older, reviewer)
    assert not SignOff.objects.exists()
    client.force_login(reviewer)
    page = client.get(f"/filings/{older.pk}/").content.decode()
    assert f'href="/filings/{newer.pk}/"' in page and "已有新版本" in page
    assert "sign-off-button" not in page
    assert "已有新版本" not in client.get(f"/filings/{newer.pk}/").content.decode()


@pytest.mark.django_db
def test_a_corrected_reupload_of_one_pdf_carries_the_others_forward(
    corpus_parse, django_capture_on_commit_callbacks
):
    parsed = corpus_parse(NAME)
    first, second = split_filing(parsed, django_capture_on_commit_callbacks)
    older = first.filing
    with django_capture_on_commit_callbacks(execute=True):
        corrected = store(parsed | {"tables": parsed["tables"][3:]}, "c")  # the second PDF, corrected
    newer = corrected.filing
    assert (newer.version, newer.previous_id) == (2, older.pk)
    assert newer.tables.count() == len(parsed["tables"])
    assert set(newer.tables.values_list("document_id", flat=True)) == {first.pk, corrected.pk}
    # The older version is untouched: both of its PDFs, every table.
    assert older.tables.count() == len(parsed["tables"])
    assert set(older.tables.values_list("document_id", flat=True)) == {first.pk, second.pk}
    # The rows were copied, not moved.
    carried = newer.tables.filter(document=first).order_by("position")
    kept = older.tables.filter(document=first).order_by("position")
    assert [t.title for t in carried] == [t.title for t in kept]
    assert not set(carried.values_list("pk", flat=True)) & set(kept.values_list("pk", flat=True))
    assert sum(t.summary_lines.count() + t.functional_lines.count() for t in carried) == sum(
        t.summary_lines.count() + t.functional_lines.count() for t in kept
    )


@pytest.mark.django_db
def test_decisions_carry_over_where_the_finding_is_unchanged(
    corpus_parse, reviewer, client, django_capture_on_commit_callbacks
):
    parsed = corpus_parse(NAME)
    with django_capture_on_commit_callbacks(execute=True):
        older = store(parsed, "a").filing
    older.department.reviewers.add(reviewer)
    chosen = older.findings.order_by("id").first()
    decide(item=chosen, decision="dismissed", reason="印刷四舍五入", user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        newer = store(parsed, "b").filing
    assert newer.previous_id == older.pk
    carried = newer.findings.get(place=chosen.place)
    assert (carried.decision, carried.reason, carried.decided_by) == ("dismissed", "印刷四舍五入", reviewer)
    assert carried.carried_over
    assert newer.findings.exclude(pk=carried.pk).filter(decision="dismissed").count() == 0
    client.force_login(reviewer)
    # decided items are hidden by the panel's default filter (open), reachable with status=all
    page = client.get(f"/filings/{newer.pk}/?tab=findings&status=all").content.decode()
    assert "沿用上一版本的处理" in page
    # Decided again in the new version, it is no longer carried over; re-opened, it stays open.
    decide(item=carried, decision="open", reason="", user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        from review.services import filing_check

        filing_check(filing=newer)
    assert newer.findings.get(place=chosen.place).decision == "open"


@pytest.mark.django_db
def test_a_changed_finding_does_not_carry_its_decision(
    corpus_parse, reviewer, django_capture_on_commit_callbacks
):
    parsed = corpus_parse(NAME)
    with django_capture_on_commit_callbacks(execute=True):
        older = store(parsed, "a").filing
    older.department.reviewers.add(reviewer)
    chosen = older.findings.exclude(printed="").order_by("id").first()
    decide(item=chosen, decision="resolved", reason="", user=reviewer)
    # as if the new version printed another figure in one of the anomaly's cells
    parts = chosen.part_list
    parts[0]["printed"] = "不同的值"
    Finding.objects.filter(pk=chosen.pk).update(printed="不同的值", parts=parts)
    with django_capture_on_commit_callbacks(execute=True):
        newer = store(parsed, "b").filing
    assert newer.findings.get(place=chosen.place).decision == "open"


@pytest.mark.django_db
def test_tables_of_a_signed_filing_are_never_deleted_by_a_failed_reparse(corpus_parse, reviewer):
    parsed = corpus_parse(NAME)
    document = store(parsed)
    filing = document.filing
    filing.department.reviewers.add(reviewer)
    sign(filing, reviewer)
    count = filing.tables.count()
    # The parser now reads no tables at all: nothing of the signed filing may go.
    again = services.document_store_parse(document=document, parsed=parsed | {"tables": []}, seconds=0)
    assert again.status == Document.Status.FAILED
    assert ParsedTable.objects.filter(filing=filing).count() == count


@pytest.mark.django_db(transaction=True)
def test_a_joining_documents_errors_are_counted_by_a_sign_off_that_waited_for_it(
    corpus_parse, reviewer, make_reviewer
):
    parsed = corpus_parse(NAME)
    base = store(parsed | {"tables": parsed["tables"][:1]}, "a")
    filing = base.filing
    filing.department.reviewers.add(reviewer)
    assert not filing.findings.filter(severity="error").exists()
    joining = Document.objects.create(
        original_filename="rest.pdf",
        sha256="b" * 64,
        size=1,
        content_type="application/pdf",
        file="rest.pdf",
        status=Document.Status.PARSING,
    )
    attached, done = threading.Event(), threading.Event()
    outcome: list[str] = []

    def hold(sender, filing, **kwargs) -> None:  # type: ignore[no-untyped-def]
        attached.set()
        done.wait(timeout=2)

    def parse() -> None:
        try:
            services.document_store_parse(
                document=joining, parsed=parsed | {"tables": parsed["tables"][1:]}, seconds=0.1
            )
        finally:
            connection.close()

    def sign_now() -> None:
        attached.wait(timeout=10)
        try:
            # No override: the filing had no errors when the reviewer looked.
            filing_sign_off(filing=Filing.objects.get(pk=filing.pk), user=reviewer)
            outcome.append("signed")
        except ReviewRefused as exc:
            outcome.append(str(exc))
        finally:
            done.set()
            connection.close()

    filing_parsed.connect(hold, weak=False, dispatch_uid="test-hold-errors")
    try:
        threads = [threading.Thread(target=parse), threading.Thread(target=sign_now)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        filing_parsed.disconnect(dispatch_uid="test-hold-errors")
    errors = Finding.objects.filter(filing=filing, severity="error").count()
    assert errors, "the joining tables were meant to bring errors"
    # The rules ran in the transaction that attached the document, so the waiting sign-off saw them.
    assert outcome == [f"还有 {errors} 项错误级别的异常未处理；请先处理，或填写越过的理由后再签批。"]
    assert not SignOff.objects.exists()


@pytest.mark.django_db
def test_rerunning_the_rules_leaves_a_signed_filing_as_signed(
    corpus_parse, reviewer, django_capture_on_commit_callbacks
):
    from review.services import filing_check

    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse(NAME))
    filing = document.filing
    filing.department.reviewers.add(reviewer)
    decided = filing.findings.order_by("id").first()
    decide(item=decided, decision="resolved", reason="", user=reviewer)
    sign(filing, reviewer)
    before = set(filing.findings.values_list("pk", "place", "decision"))
    Finding.objects.filter(pk=decided.pk).update(place="a place no rule finds any more")
    filing_check(filing=filing)  # as `check_filing --all` after the rules changed
    assert Finding.objects.filter(pk=decided.pk, decision="resolved").exists()
    assert set(filing.findings.values_list("pk", "decision")) == {(pk, d) for pk, _, d in before}


@pytest.mark.django_db(transaction=True)
def test_a_department_correction_and_a_joining_parse_do_not_deadlock(corpus_parse, clerk, monkeypatch):
    """Both lock the department before the filing, as a parse attaching a document does."""
    import time

    parsed = corpus_parse(NAME)
    base = uploaded_by(store(parsed | {"tables": parsed["tables"][:3]}, "a"), clerk)
    filing = base.filing
    joining = Document.objects.create(
        original_filename="rest.pdf",
        sha256="b" * 64,
        size=1,
        content_type="application/pdf",
        file="rest.pdf",
        status=Document.Status.PARSING,
    )
    department_locked, correcting = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    original = services._locked_current

    def slow_current(document):  # type: ignore[no-untyped-def]
        # The parse holds the department's lock; let the correction start before it takes the filing's.
        if document.pk == joining.pk:
            department_locked.set()
            correcting.wait(timeout=10)
            time.sleep(0.5)
        return original(document)

    monkeypatch.setattr(services, "_locked_current", slow_current)

    def parse() -> None:
        try:
            services.document_store_parse(
                document=joining, parsed=parsed | {"tables": parsed["tables"][3:]}, seconds=0.1
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def correct() -> None:
        department_locked.wait(timeout=10)
        correcting.set()
        try:
            services.filing_correct_department(filing=filing, department="别的局", user=clerk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=parse), threading.Thread(target=correct)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    filing.refresh_from_db()
    assert filing.department.name == "别的局"
