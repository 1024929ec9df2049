"""django-tables2 tables: the dashboard and one per printed table kind, with findings on their cells.

A grid's columns are its own, so its table class is made per table (``GridTable.for_table``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.http import HttpRequest
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html

from config.input_guard import bounded_int
from filings.models import Filing, FunctionalLine, GridCell, GridRow, ParsedTable, ProjectLine, SummaryLine

from .formatting import in_unit, printed, yuan
from .models import Finding, Flag

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# written by review.exports (a BOM, a title row, text cells as text)
EXPORT_FORMATS = ("csv", "xlsx")
# the largest page a table is shown in: a grid's whole default page, and some more
MAX_PER_PAGE = 1000
MAX_PAGE = 1_000_000


def paginate(request: HttpRequest, table: tables.Table) -> tables.Table:
    """RequestConfig with the page and page size checked first: out of bounds is a 400, not a 500."""
    per_page = bounded_int(
        request.GET,
        table.prefixed_per_page_field,
        default=table._meta.per_page,
        low=1,
        high=MAX_PER_PAGE,
        message=f"每页行数应为 1 至 {MAX_PER_PAGE} 之间的整数。",
    )
    bounded_int(
        request.GET, table.prefixed_page_field, default=1, low=1, high=MAX_PAGE, message="页码应为正整数。"
    )
    return tables.RequestConfig(request, paginate={"per_page": per_page}).configure(table)


class CellFindings:
    """Findings of one table by row and by column, for highlighting and hover text.

    A finding names a cell by its field (``initial.total``, the column ``initial_total``);
    ``columns`` maps other names to the table's column, as a grid's column paths to ``c0``, ``c1``….
    """

    def __init__(self, findings: Iterable[Finding], columns: Mapping[str, str] | None = None) -> None:
        self.by_cell: dict[tuple[int | None, str], list[Finding]] = defaultdict(list)
        self.by_row: dict[int | None, list[Finding]] = defaultdict(list)
        self.titles: dict[tuple[int | None, str], list[str]] = defaultdict(list)
        columns = self.columns = columns or {}
        self.doubtful: set[tuple[int | None, str]] = set()  # OCR'd values 待核对 (mark_doubtful)
        for finding in findings:
            # one anomaly may break on several rows and cells (Finding.parts): each is marked
            for part in finding.part_list:
                if part.get("table") not in (None, finding.table_id):
                    continue  # a breach on another table of the same kind: never on this table's rows
                row = part.get("row")
                if finding not in self.by_row[row]:
                    self.by_row[row].append(finding)
                for cell in part.get("cells") or []:
                    column = columns.get(cell) or cell.replace(".", "_")
                    if finding not in self.by_cell[(row, column)]:
                        self.by_cell[(row, column)].append(finding)
                    self.titles[(row, column)].append(part.get("message") or finding.message)

    def worst(self, found: list[Finding]) -> str:
        return min((f.severity for f in found), key=SEVERITY_ORDER.__getitem__) if found else ""

    def mark_doubtful(self, cells: Iterable[tuple[int | None, str]]) -> None:
        """Mark the (row, field) values read by OCR that wait for a reviewer (CSS ``ocr-doubtful``)."""
        self.doubtful = {(row, self.columns.get(field) or field.replace(".", "_")) for row, field in cells}

    def cell_class(self, position: int, column: str) -> str:
        found = self.by_cell.get((position, column), [])
        css = f"finding finding-{self.worst(found)}" if found else ""
        return f"{css} ocr-doubtful".strip() if (position, column) in self.doubtful else css

    def cell_title(self, position: int, column: str) -> str:
        doubt = ["由扫描件识别，待核对"] if (position, column) in self.doubtful else []
        return "\n".join(doubt + self.titles.get((position, column), []))

    def row_class(self, position: int) -> str:
        found = [f for f in self.by_row.get(position, []) if f.decision == "open"]
        return f"row-finding row-finding-{self.worst(found)}" if found else ""


def finding_cell_attrs(css: str = "") -> dict[str, Any]:
    """td attributes that mark a cell named in a finding (the column's name is the cell's field)."""
    return {
        "td": {
            "class": lambda table, record, bound_column: " ".join(
                filter(None, [css, table.findings.cell_class(record.position, bound_column.name)])
            ),
            "title": lambda table, record, bound_column: table.findings.cell_title(
                record.position, bound_column.name
            ),
            "data-cell": lambda record, bound_column: f"{record.position}:{bound_column.name}",
        },
        "th": {"class": css},
    }


class CellColumn(tables.Column):
    """A text column whose cells are highlighted when a finding names them."""

    def __init__(self, *args: Any, css: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("attrs", finding_cell_attrs(css))
        super().__init__(*args, **kwargs)


class AmountColumn(CellColumn):
    """An amount in the table's printed unit; the yuan value on hover, findings highlighted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, css="num", **kwargs)

    def render(self, value: Decimal, table: Any) -> str:
        return format_html(
            '<span class="amount" title="{}">{}</span>', yuan(value), printed(value, table.unit)
        )

    def value(self, value: Decimal | None, table: Any) -> Decimal | None:
        return in_unit(value, table.unit)


class SourceColumn(tables.Column):
    """A link to the PDF page the row was printed on, its box highlighted."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            accessor="page",
            verbose_name="原文",
            orderable=False,
            exclude_from_export=True,
            attrs={"td": {"class": "source"}},
            **kwargs,
        )

    def render(self, value: int, record: Any, table: Any) -> str:
        url = reverse("review:source", args=[table.filing_id, record.table_id, record.position])
        return format_html(
            '<a href="{}" class="source-link" title="查看原文第 {} 页">第{}页</a>', url, value, value
        )


class FlagColumn(tables.Column):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            accessor="position", verbose_name="", orderable=False, exclude_from_export=True, **kwargs
        )

    def render(self, value: int, record: Any, table: Any) -> str:
        marks = table.flags.badge(record.table_id, value)
        if not table.can_flag:
            return marks
        return format_html(
            '{}<button type="button" class="btn btn-link btn-sm p-0 flag-row" data-table="{}" data-row="{}" '
            'data-label="{}" title="标记此行">⚑</button>',
            marks,
            record.table_id,
            value,
            str(record),
        )


class TableFlags:
    """A filing's flags by table and row, read once for the whole page (one query, whatever its tables).

    A flagged row is marked by a ⚑ badge whose title is the note; while a flag is open the row
    also carries ``row-flagged``. A whole-table flag (no row) is under the row ``None``.
    """

    def __init__(self, flags: Iterable[Flag] = ()) -> None:
        self.by_row: dict[tuple[int | None, int | None], list[Flag]] = defaultdict(list)
        for flag in flags:
            self.by_row[(flag.table_id, flag.row_position)].append(flag)
        self.whole = {table: found for (table, row), found in self.by_row.items() if row is None}

    @classmethod
    def of_filing(cls, filing: Filing) -> TableFlags:
        fields = ("filing_id", "table_id", "row_position", "note", "decision")
        return cls(filing.flags.filter(table__isnull=False).only(*fields))

    def row_class(self, table_id: int, position: int) -> str:
        found = self.by_row.get((table_id, position), [])
        return "row-flagged" if any(f.decision == "open" for f in found) else ""

    def badge(self, table_id: int, position: int | None) -> str:
        found = self.by_row.get((table_id, position), [])
        if not found:
            return ""
        state = "open" if any(f.decision == "open" for f in found) else "closed"
        return format_html(
            '<span class="badge flag-badge flag-badge-{}" title="{}">⚑{}</span> ',
            state,
            "\n".join(f"标记：{f.note}" for f in found),
            len(found) if len(found) > 1 else "",
        )


class PrintedTable(tables.Table):
    """Common to the printed tables: unit, findings and row anchors (exports: review.exports)."""

    source = SourceColumn()
    flag = FlagColumn()

    def __init__(
        self,
        data: Any,
        *,
        unit: str,
        findings: CellFindings,
        filing_id: int,
        can_flag: bool,
        adjusted: bool = True,
        flags: TableFlags | None = None,
        **kwargs: Any,
    ) -> None:
        self.unit = unit
        self.findings = findings
        self.filing_id = filing_id
        self.can_flag = can_flag
        self.flags = flags or TableFlags()
        if not adjusted:  # an original budget prints no 调整 or 增减 columns: none are shown empty
            extra = [name for name in self.base_columns if name.startswith(("adjusted", "change"))]
            kwargs["exclude"] = [*(kwargs.get("exclude") or ()), *extra]
        super().__init__(data, **kwargs)

    def row_class(self, record: Any) -> str:
        return " ".join(
            filter(
                None,
                [
                    self.findings.row_class(record.position),
                    self.flags.row_class(record.table_id, record.position),
                ],
            )
        )

    class Meta:
        attrs = {"class": "table table-sm table-hover table-bordered printed-table align-middle"}
        row_attrs = {
            "id": lambda record: f"t{record.table_id}-r{record.position}",
            "class": lambda table, record: table.row_class(record),
        }
        order_by = ("position",)
        sequence = ("...", "source", "flag")
        per_page = 100
        template_name = "django_tables2/bootstrap5.html"


class SummaryTable(PrintedTable):
    position = tables.Column(verbose_name="行", attrs={"td": {"class": "text-muted small"}})
    side = tables.Column(verbose_name="收/支")
    label = CellColumn(verbose_name="项目")
    initial = AmountColumn(verbose_name="年初预算数")
    adjusted = AmountColumn(verbose_name="调整预算数")
    change = AmountColumn(verbose_name="增减数")

    def render_position(self, value: int) -> int:
        return value + 1  # people count rows from 1

    class Meta(PrintedTable.Meta):
        model = SummaryLine
        fields = ("position", "side", "label", "initial", "adjusted", "change")


class FunctionalTable(PrintedTable):
    code = CellColumn(verbose_name="科目编码", css="code")
    name = CellColumn(verbose_name="科目名称", css="tree-name")
    initial_total = AmountColumn(verbose_name="年初·合计")
    initial_basic = AmountColumn(verbose_name="年初·基本")
    initial_project = AmountColumn(verbose_name="年初·项目")
    adjusted_total = AmountColumn(verbose_name="调整·合计")
    adjusted_basic = AmountColumn(verbose_name="调整·基本")
    adjusted_project = AmountColumn(verbose_name="调整·项目")
    change_total = AmountColumn(verbose_name="增减·合计")
    change_basic = AmountColumn(verbose_name="增减·基本")
    change_project = AmountColumn(verbose_name="增减·项目")

    class Meta(PrintedTable.Meta):
        model = FunctionalLine
        fields = ("code", "name")
        row_attrs = {
            **PrintedTable.Meta.row_attrs,
            "data-code": lambda record: record.code,
            "data-level": lambda record: record.level,
        }
        per_page = 500


class ProjectTable(PrintedTable):
    # Findings name a project row's `name`; the printed label (with its numbering) is shown.
    name = CellColumn(accessor="label", verbose_name="项目")
    section = tables.Column(verbose_name="所属部分")
    initial = AmountColumn(verbose_name="年初预算数")
    adjusted = AmountColumn(verbose_name="调整预算数")
    change = AmountColumn(verbose_name="增减数")
    note = tables.Column(verbose_name="备注", attrs={"td": {"class": "small"}})

    class Meta(PrintedTable.Meta):
        model = ProjectLine
        fields = ("name", "section", "initial", "adjusted", "change", "note")
        row_attrs = {
            **PrintedTable.Meta.row_attrs,
            "class": lambda table, record: " ".join(
                filter(
                    None,
                    [table.row_class(record), "subtotal" if record.is_subtotal else ""],
                )
            ),
        }


def grid_column_names(columns: list[str]) -> dict[str, str]:
    """How a finding may name a grid's column: its path as in the row's ``values``, or ``values.<path>``."""
    names = {}
    for i, path in enumerate(columns):
        for alias in (path, f"values.{path}", f"values[{path}]"):
            names[alias] = f"c{i}"
    return names


class GridValueColumn(CellColumn):
    """One value column of a grid: an amount in the printed unit (yuan on hover) or text as printed."""

    def __init__(self, index: int, path: str, *, amounts: bool) -> None:
        self.path = path
        super().__init__(
            accessor=f"cell_list__{index}",
            order_by=(f"cell_list__{index}__value",),
            verbose_name=path,
            default="",
            css="num" if amounts else "",
        )

    def render(self, value: GridCell, table: Any) -> str:
        if value.amount is None:
            return value.text
        return format_html(
            '<span class="amount" title="{}">{}</span>', yuan(value.amount), printed(value.amount, table.unit)
        )

    def value(self, value: GridCell | None, table: Any) -> Decimal | str | None:
        if value is None:
            return None
        return in_unit(value.amount, table.unit) if value.amount is not None else value.text


@dataclass
class HeaderCell:
    """One cell of a grid's multi-level header: a leaf names a column, a group spans several."""

    label: str
    column: Any = None  # the BoundColumn of a leaf (its sort link and attributes)
    title: str = ""
    colspan: int = 1
    rowspan: int = 1
    prefix: tuple[str, ...] = ()


class GridTable(PrintedTable):
    """A grid: the row's side (two-sided tables), code and label, then the table's own columns."""

    side = tables.Column(verbose_name="收/支")
    code = CellColumn(verbose_name="科目编码", css="code")
    label = CellColumn(verbose_name="项目")

    class Meta(PrintedTable.Meta):
        template_name = "review/_grid_table.html"
        sequence = ("side", "code", "label", "...", "source", "flag")
        empty_text = "（空表）"
        per_page = 500

    @classmethod
    def for_table(cls, table: ParsedTable, *, findings: Iterable[Finding], **kwargs: Any) -> GridTable:
        """The rows of ``table`` (their cells prefetched) with a column per path of ``table.columns``."""
        rows: list[GridRow] = list(table.grid_rows.all())
        amounts: set[int] = set()
        for row in rows:
            # Cells by column position, so the column of position i reads cell_list[i].
            row.cell_list = [None] * len(table.columns)  # type: ignore[attr-defined]
            for cell in row.cells.all():
                row.cell_list[cell.column] = cell  # type: ignore[attr-defined]
                if cell.amount is not None:
                    amounts.add(cell.column)
        exclude = [name for name in ("side", "code", "label") if not any(getattr(r, name) for r in rows)]
        return cls(
            rows,
            unit=table.unit,
            findings=CellFindings(findings, grid_column_names(table.columns)),
            extra_columns=[
                (f"c{i}", GridValueColumn(i, path, amounts=i in amounts))
                for i, path in enumerate(table.columns)
            ],
            exclude=exclude,
            **kwargs,
        )

    def header_rows(self) -> list[list[HeaderCell]]:
        """The header as printed: a path ``a/b`` puts ``a`` over every neighbour under it, ``b`` below."""
        paths = {
            column.name: tuple(column.column.path.split("/"))
            for column in self.columns
            if isinstance(column.column, GridValueColumn)
        }
        depth = max((len(p) for p in paths.values()), default=1)
        rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
        for level in range(depth):
            group: HeaderCell | None = None
            for column in self.columns:
                path = paths.get(column.name)
                if path is None:  # side, code, label, source, flag: one cell down the whole header
                    if level == 0:
                        rows[0].append(HeaderCell(str(column.header), column, rowspan=depth))
                    group = None
                elif level == len(path) - 1:  # the leaf reaches down to the last header row
                    rows[level].append(
                        HeaderCell(path[-1], column, title="/".join(path), rowspan=depth - level)
                    )
                    group = None
                elif level < len(path):
                    if group is not None and group.prefix == path[: level + 1]:
                        group.colspan += 1
                    else:
                        group = HeaderCell(
                            path[level], prefix=path[: level + 1], title="/".join(path[: level + 1])
                        )
                        rows[level].append(group)
                else:  # covered by its leaf's rowspan
                    group = None
        return rows


class FilingTable(tables.Table):
    department = tables.Column(
        accessor="department__name",
        verbose_name="部门",
        linkify=lambda record: reverse("review:filing", args=[record.pk]),
    )
    year = tables.Column(verbose_name="年度")
    stage = tables.Column(verbose_name="阶段")
    version = tables.Column(verbose_name="版本")
    status = tables.Column(verbose_name="状态")
    open_errors = tables.Column(verbose_name="错误", attrs={"td": {"class": "num"}})
    open_warnings = tables.Column(verbose_name="警告", attrs={"td": {"class": "num"}})
    open_infos = tables.Column(verbose_name="提示", attrs={"td": {"class": "num"}})
    open_flags = tables.Column(verbose_name="标记", attrs={"td": {"class": "num"}})
    # A scan: its values were read by OCR, and this many still wait for a reviewer (待核对).
    ocr_doubtful = tables.Column(verbose_name="扫描件", attrs={"td": {"class": "scan"}})
    reviewer = tables.Column(accessor="reviewer__username", verbose_name="审核人", default="—")
    updated_at = tables.Column(verbose_name="最近活动")

    class Meta:
        model = Filing
        fields = ("department", "year", "stage", "version", "status")
        attrs = {"class": "table table-sm table-hover align-middle dashboard"}
        # A reviewer sees the filings of their departments only: an empty list says why.
        empty_text = (
            "没有可审核的预算文件。审核员只能看到分配给自己的部门的预算文件；"
            "如需审核某个部门，请管理员在 部门 › 审核员 中分配。"
        )
        order_by = ("-updated_at",)
        per_page = 50
        template_name = "django_tables2/bootstrap5.html"

    def render_updated_at(self, value: datetime) -> str:
        # A plain column: DateTimeColumn compiles a template for every row.
        return dateformat.format(timezone.localtime(value), "Y-m-d H:i")

    def render_ocr_doubtful(self, value: int, record: Any) -> str:
        if not record.scanned:
            return ""
        scan = format_html('<span class="badge text-bg-secondary">{}</span>', "扫描件")
        if not value:
            return scan
        return format_html('{} <span class="badge text-bg-warning doubtful">{} 待核对</span>', scan, value)

    def render_open_errors(self, value: int) -> str:
        return format_html('<span class="badge text-bg-danger">{}</span>', value) if value else "0"

    def render_open_warnings(self, value: int) -> str:
        return format_html('<span class="badge text-bg-warning">{}</span>', value) if value else "0"
