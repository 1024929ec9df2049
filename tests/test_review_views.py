"""The review workspace: dashboard, filing tabs, source page, flags, decisions and sign-off."""

from __future__ import annotations

import csv
import io
import re
import threading

import pytest
from django.db import connection
from openpyxl import load_workbook

from filings.models import Department, Document, Filing, ParsedTable
from review.models import Comment, Finding, Flag, SignOff
from review.services import ReviewRefused, filing_sign_off
from tests.conftest import CORPUS, FILING_TABS
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(corpus_parse, reviewer, clerk, django_capture_on_commit_callbacks, settings, tmp_path):
    """The zunyi filing (54 pages, findings included), stored as uploaded by the clerk."""
    settings.MEDIA_ROOT = tmp_path
    pdf = CORPUS / "pdf" / "zunyi-hrss-2024-adjustment.pdf"
    (tmp_path / "z.pdf").write_bytes(pdf.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse("zunyi-hrss-2024-adjustment"))
    Document.objects.filter(pk=document.pk).update(file="z.pdf", uploaded_by=clerk)
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    return filing


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_dashboard_lists_the_reviewers_filings_with_open_counts(reviewer_client, filing):
    page = reviewer_client.get("/filings/").content.decode()
    assert "遵义市人力资源和社会保障局" in page
    errors = filing.findings.filter(severity="error").count()
    assert f'<span class="badge text-bg-danger">{errors}</span>' in page


def test_dashboard_filters(reviewer_client, filing):
    row = f'/filings/{filing.pk}/">遵义市人力资源和社会保障局</a>'
    assert row in reviewer_client.get("/filings/?q=遵义").content.decode()
    assert row not in reviewer_client.get("/filings/?q=毕节").content.decode()
    assert row not in reviewer_client.get("/filings/?year=1999").content.decode()
    assert row in reviewer_client.get("/filings/?has_open_errors=true").content.decode()
    assert row not in reviewer_client.get("/filings/?has_open_errors=false").content.decode()
    assert row not in reviewer_client.get("/filings/?status=signed_off").content.decode()


def test_reviewer_of_another_department_sees_nothing(client, filing, make_reviewer):
    other = make_reviewer("other-reviewer", Department.objects.create(name="别的局"))
    client.force_login(other)
    assert "遵义市人力" not in client.get("/filings/").content.decode()  # not even in the department filter
    assert client.get(f"/filings/{filing.pk}/").status_code == 404


def test_dashboard_query_count_does_not_grow_with_filings(reviewer_client, filing, django_assert_num_queries):
    def queries() -> int:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            reviewer_client.get("/filings/")
        return len(ctx.captured_queries)

    before = queries()
    for year in range(2000, 2030):
        Filing.objects.create(department=filing.department, year=year, stage="original")
    assert queries() == before


@pytest.mark.parametrize("tab", FILING_TABS)
def test_every_tab_uses_the_same_number_of_queries_whatever_its_size(
    reviewer_client, filing, tab, corpus_parse, reviewer, django_capture_on_commit_callbacks
):
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        small = store(corpus_parse("synth-anshun-hsa-2023-adjustment"), "s").filing
    small.department.reviewers.add(reviewer)
    counts = []
    for subject in (filing, small):  # 46 tables and 442 indicators against 11 tables
        with CaptureQueriesContext(connection) as ctx:
            response = reviewer_client.get(f"/filings/{subject.pk}/?tab={tab}")
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    # 17: the coverage line above the tabs reads the filing's documents (one query on every tab);
    # +3: the session is saved on every request (savepoint, update, release), for its idle timeout.
    assert counts[0] == counts[1] <= 20


def test_amounts_are_shown_as_printed_with_yuan_on_hover(reviewer_client, filing):
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=projects").content.decode()
    table = filing.tables.get(kind="project_expenditure")
    first = table.project_lines.get(position=0)
    assert table.unit == "万元"
    assert f'title="{first.initial:,.2f} 元"' in page
    assert f"{first.initial / 10000:,.2f}" in page


def test_cells_with_findings_are_highlighted_with_the_message(reviewer_client, filing):
    finding = filing.findings.filter(table_kind="project_expenditure").exclude(row_position=None).first()
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=projects").content.decode()
    cell = f'data-cell="{finding.row_position}:{finding.cells[0]}"'
    assert cell in page
    td = page[page.rfind("<td", 0, page.index(cell)) : page.index(cell)]
    assert f"finding finding-{finding.severity}" in td and finding.message in td


def test_functional_tab_is_a_tree(reviewer_client, filing):
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=functional").content.decode()
    assert 'data-level="class"' in page and 'data-level="item"' in page


def test_targets_tab_shows_cards_with_initial_beside_adjusted(reviewer_client, filing):
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=targets").content.decode()
    assert page.count("target-card") == filing.tables.filter(kind__endswith="performance").count()
    assert "≥760次" in page and "≥11次" in page and 'class="changed"' in page


def test_targets_source_links_open_the_indicators_page(reviewer_client, filing):
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=targets").content.decode()
    link = re.search(rf'class="source-link" href="(/filings/{filing.pk}/source/\d+/\d+/)"', page)
    assert link, "the 原文 links of indicators name their table and row"
    response = reviewer_client.get(link.group(1))
    assert response.status_code == 200 and 'id="source-box"' in response.content.decode()


def test_export_csv_and_xlsx(reviewer_client, filing):
    table = filing.tables.get(kind="project_expenditure")
    response = reviewer_client.get(f"/filings/{filing.pk}/?tab=projects&table={table.pk}&_export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # a title row (title, 部门, 年度, 阶段, 单位) above the header (tests/test_exports.py)
    assert rows[0][0] == table.title and rows[1][:2] == ["项目", "所属部分"]
    assert len(rows) == table.project_lines.count() + 2
    response = reviewer_client.get(f"/filings/{filing.pk}/?tab=projects&table={table.pk}&_export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == table.project_lines.count() + 2


def test_export_neutralises_formulas(reviewer_client, filing):
    table = filing.tables.get(kind="project_expenditure")
    table.project_lines.filter(position=1).update(note='=HYPERLINK("http://x")')
    response = reviewer_client.get(f"/filings/{filing.pk}/?tab=projects&table={table.pk}&_export=csv")
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")  # CSV has no text type
    response = reviewer_client.get(f"/filings/{filing.pk}/?tab=projects&table={table.pk}&_export=xlsx")
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    note = [c for c in cells if c.value == '=HYPERLINK("http://x")']
    assert len(note) == 1 and note[0].data_type == "s"  # XLSX: text, no apostrophe
    assert not [c for c in cells if c.data_type == "f"]


def test_source_page_shows_the_row_box(reviewer_client, filing):
    table = filing.tables.get(kind="project_expenditure")
    line = table.project_lines.get(position=3)
    page = reviewer_client.get(f"/filings/{filing.pk}/source/{table.pk}/3/").content.decode()
    assert 'id="source-box"' in page and f"/pages/{table.document_id}/{line.page}.png" in page
    image = reviewer_client.get(f"/filings/{filing.pk}/pages/{table.document_id}/{line.page}.png")
    assert image.status_code == 200 and b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_flag_decide_comment_and_history(reviewer_client, filing, reviewer):
    table = filing.tables.get(kind="project_expenditure")
    reviewer_client.post(
        f"/filings/{filing.pk}/flags/", {"table": table.pk, "row": "2", "label": "x", "note": "不一致"}
    )
    flag = Flag.objects.get()
    assert (flag.row_position, flag.created_by) == (2, reviewer)
    response = reviewer_client.post(
        f"/filings/{filing.pk}/flag/{flag.pk}/decide/", {"decision": "dismissed"}, follow=True
    )
    assert "驳回必须填写理由" in response.content.decode()
    reviewer_client.post(
        f"/filings/{filing.pk}/flag/{flag.pk}/decide/", {"decision": "dismissed", "reason": "核实无误"}
    )
    flag.refresh_from_db()
    assert flag.decision == "dismissed" and flag.reason == "核实无误" and flag.decided_by == reviewer
    finding = filing.findings.first()
    reviewer_client.post(
        f"/filings/{filing.pk}/finding/{finding.pk}/decide/", {"decision": "resolved", "reason": "已更正"}
    )
    reviewer_client.post(
        f"/filings/{filing.pk}/comments/", {"thread": f"finding:{finding.place}", "body": "请处室复核"}
    )
    assert Comment.objects.get().author == reviewer
    history = reviewer_client.get(f"/filings/{filing.pk}/?tab=history").content.decode()
    assert "核实无误" in history and "已更正" in history and "请处室复核" in history


def test_sign_off_refused_with_open_errors_then_overridden(reviewer_client, filing, reviewer):
    response = reviewer_client.post(f"/filings/{filing.pk}/sign-off/", follow=True)
    assert "错误级别的异常未处理" in response.content.decode()
    assert not SignOff.objects.exists()
    reviewer_client.post(f"/filings/{filing.pk}/sign-off/", {"override_reason": "印刷错误已电话确认"})
    sign_off = SignOff.objects.get()
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SIGNED_OFF and sign_off.signed_by == reviewer
    assert sign_off.override_reason == "印刷错误已电话确认" and sign_off.open_errors > 0
    assert sign_off.document_sha256 == [filing.documents.get().sha256]
    # Read-only now.
    table = filing.tables.first()
    response = reviewer_client.post(
        f"/filings/{filing.pk}/flags/", {"table": table.pk, "note": "x"}, follow=True
    )
    assert "已签批，只读" in response.content.decode() and not Flag.objects.exists()


def test_uploader_cannot_sign_off_even_as_reviewer(filing, clerk, role_groups):
    from django.contrib.auth.models import Group

    clerk.groups.add(Group.objects.get(name="审核员"))
    filing.department.reviewers.add(clerk)
    with pytest.raises(ReviewRefused, match="四眼"):
        filing_sign_off(filing=filing, user=clerk, override_reason="x")


def test_report_of_a_signed_off_filing(reviewer_client, filing):
    def overview() -> dict:
        response = reviewer_client.get(f"/filings/{filing.pk}/report.xlsx")
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames[:5] == ["概况", "异常", "标记", "评论", "记录"]
        assert len(workbook.sheetnames) == 5 + filing.tables.count()
        return {row[0].value: row[1].value for row in workbook["概况"].iter_rows(min_row=3)}

    assert overview()["签批"] == "未签批"  # before the sign-off, a progress report
    Finding.objects.filter(filing=filing).update(decision="resolved")
    reviewer_client.post(f"/filings/{filing.pk}/sign-off/")
    assert overview()["签批人"] == "reviewer"


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_signing_at_once_one_wins(filing, reviewer, make_reviewer):
    second = make_reviewer("second", filing.department)
    Finding.objects.filter(filing=filing).update(decision="resolved")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(user) -> None:
        barrier.wait()
        try:
            filing_sign_off(filing=Filing.objects.get(pk=filing.pk), user=user)
            outcomes.append("signed")
        except ReviewRefused as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(u,)) for u in (reviewer, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["signed", "该预算文件已由其他审核员签批。"])
    assert SignOff.objects.count() == 1


def test_new_version_shows_a_diff(reviewer_client, filing, corpus_parse):
    parsed = corpus_parse("zunyi-hrss-2024-adjustment")
    changed = {**parsed, "tables": [dict(t) for t in parsed["tables"]]}
    projects = next(t for t in changed["tables"] if t["kind"] == "project_expenditure")
    projects["rows"] = [dict(r) for r in projects["rows"]]
    projects["rows"][3]["adjusted"] = "1.00"
    del projects["rows"][4]
    newer = store(changed, "n")
    assert newer.filing.previous_id == filing.pk
    page = reviewer_client.get(f"/filings/{newer.filing_id}/?tab=diff").content.decode()
    # 1 yuan in a 万元 table, the field named as the tables name it
    assert "删除" in page and "修改" in page
    assert "调整预算数</span>：235.03 万元 → <strong>0.0001 万元" in page


def test_tables_of_a_filing_are_all_reachable_from_tabs(reviewer_client, filing):
    page = reviewer_client.get(f"/filings/{filing.pk}/").content.decode()
    for slug in FILING_TABS:
        assert f'data-tab="{slug}"' in page
    assert ParsedTable.objects.filter(filing=filing).count() == 46


def test_compare_tab_shows_year_over_year_when_an_earlier_filing_exists(
    reviewer_client, reviewer, corpus_parse
):
    parsed = corpus_parse("synth-anshun-hsa-2023-adjustment")
    store(parsed | {"year": 2022}, "p")
    current = store(parsed, "c").filing
    current.department.reviewers.add(reviewer)
    page = reviewer_client.get(f"/filings/{current.pk}/?tab=compare").content.decode()
    assert "与 2022 年对比" in page
    assert page.count('class="bar-after"') > page.count("<svg")  # bars drawn, not just the legend


def test_original_budget_cards_show_one_column_set(reviewer_client, reviewer, corpus_parse):
    original = store(corpus_parse("synth-bijie-hrss-2024-original"), "o").filing
    original.department.reviewers.add(reviewer)
    page = reviewer_client.get(f"/filings/{original.pk}/?tab=targets").content.decode()
    assert "年初值" in page and "调整后值" not in page
