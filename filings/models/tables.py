"""What the parser read from a filing: its tables and their rows, each with the page and box it came from.

The six typed kinds have a model per row shape; every other table is a grid (GridRow, GridCell)
whose columns are its own. Amounts are yuan in ``DecimalField(max_digits=18, decimal_places=2)``;
a blank or dashed cell is NULL. A re-parse of a document deletes and rewrites all of its rows in
one transaction, in its current filing only: a signed filing keeps the rows it was signed with.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budget_filing.kinds import FUND_LABELS, KIND_LABELS, ROLE_LABELS, SIDE_LABELS

from .documents import Document, Filing

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def Money(verbose_name: StrOrPromise) -> models.DecimalField:  # noqa: N802 - reads like a field class
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, null=True, blank=True)


def _choices(name: str, labels: dict[str, str]) -> Any:
    """Choices from the shared vocabulary, so a kind or role is named in budget_filing only."""
    members = [(value.upper(), (value, label)) for value, label in labels.items()]
    return models.TextChoices(name, members)  # type: ignore[call-overload]  # stubs lack Enum's functional API


# TableKind.INCOME_EXPENSE_SUMMARY … TableKind.GRID; GridRole.ECONOMIC_BASIC …
TableKind = _choices("TableKind", KIND_LABELS)
GridRole = _choices("GridRole", ROLE_LABELS)


class ParsedTable(models.Model):
    filing = models.ForeignKey(
        Filing, on_delete=models.CASCADE, related_name="tables", verbose_name=_("预算文件")
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="tables", verbose_name=_("文档")
    )
    position = models.PositiveIntegerField(_("顺序"))
    kind = models.CharField(_("表类型"), max_length=40, choices=TableKind.choices)
    title = models.CharField(_("标题"), max_length=500)
    subtitle = models.CharField(_("副标题"), max_length=500, blank=True)
    unit = models.CharField(_("单位"), max_length=10)
    pages = ArrayField(models.PositiveIntegerField(), verbose_name=_("页码"), default=list)
    # A grid only: what the table is, its value columns (header paths joined with `/`, in
    # printed order; a GridCell names its column by position here) and a note printed with it.
    role = models.CharField(_("表格用途"), max_length=40, choices=GridRole.choices, blank=True)
    columns = ArrayField(models.TextField(), verbose_name=_("列"), default=list, blank=True)
    note = models.TextField(_("表注"), blank=True)

    class Meta:
        verbose_name = _("解析表")
        verbose_name_plural = _("解析表")
        ordering = ["filing", "document", "position"]
        # A document's tables may be in several versions: a new version copies the ones it carries.
        constraints = [
            models.UniqueConstraint(
                fields=["filing", "document", "position"], name="table_position_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SourceBox(models.Model):
    """Where a row was printed: page (1-based) and [x0, top, x1, bottom] in PDF points."""

    position = models.PositiveIntegerField(_("顺序"))
    page = models.PositiveIntegerField(_("页码"), null=True, blank=True)
    bbox = ArrayField(models.FloatField(), size=4, verbose_name=_("位置"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["table", "position"]


class SummaryLine(SourceBox):
    class Side(models.TextChoices):
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")

    table = models.ForeignKey(
        ParsedTable, on_delete=models.CASCADE, related_name="summary_lines", verbose_name=_("表")
    )
    side = models.CharField(_("收支"), max_length=10, choices=Side.choices)
    label = models.CharField(_("项目"), max_length=300)
    initial = Money(_("年初预算数"))
    adjusted = Money(_("调整预算数"))
    change = Money(_("增减数"))

    class Meta(SourceBox.Meta):
        verbose_name = _("收支总表行")
        verbose_name_plural = _("收支总表行")

    def __str__(self) -> str:
        return self.label


class FunctionalLine(SourceBox):
    class Level(models.TextChoices):
        CLASS = "class", _("类")
        SECTION = "section", _("款")
        ITEM = "item", _("项")

    table = models.ForeignKey(
        ParsedTable, on_delete=models.CASCADE, related_name="functional_lines", verbose_name=_("表")
    )
    code = models.CharField(_("科目编码"), max_length=12, blank=True, help_text=_("合计行为空"))
    name = models.CharField(_("科目名称"), max_length=300)
    level = models.CharField(_("级次"), max_length=10, choices=Level.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    initial_total = Money(_("年初合计"))
    initial_basic = Money(_("年初基本支出"))
    initial_project = Money(_("年初项目支出"))
    adjusted_total = Money(_("调整合计"))
    adjusted_basic = Money(_("调整基本支出"))
    adjusted_project = Money(_("调整项目支出"))
    change_total = Money(_("增减合计"))
    change_basic = Money(_("增减基本支出"))
    change_project = Money(_("增减项目支出"))

    class Meta(SourceBox.Meta):
        verbose_name = _("功能分类行")
        verbose_name_plural = _("功能分类行")

    def __str__(self) -> str:
        return f"{self.code or ''} {self.name}".strip()

    @staticmethod
    def level_for(code: str | None) -> str:
        return {3: "class", 5: "section", 7: "item"}.get(len(code or ""), "")


class ProjectLine(SourceBox):
    """A row of the project table or the transfer-payment table (the table's kind says which)."""

    table = models.ForeignKey(
        ParsedTable, on_delete=models.CASCADE, related_name="project_lines", verbose_name=_("表")
    )
    label = models.CharField(_("项目（印刷）"), max_length=500)
    name = models.CharField(_("项目名称"), max_length=500)
    section = models.CharField(_("所属部分"), max_length=300, blank=True)
    is_subtotal = models.BooleanField(_("小计行"), default=False)
    initial = Money(_("年初预算数"))
    adjusted = Money(_("调整预算数"))
    change = Money(_("增减数"))
    note = models.TextField(_("备注"), blank=True)

    class Meta(SourceBox.Meta):
        verbose_name = _("项目行")
        verbose_name_plural = _("项目行")

    def __str__(self) -> str:
        return self.name


class GridRow(SourceBox):
    """A row of a grid table; its values are GridCells, one per column the row prints."""

    table = models.ForeignKey(
        ParsedTable, on_delete=models.CASCADE, related_name="grid_rows", verbose_name=_("表")
    )
    side = models.CharField(_("收支"), max_length=10, choices=list(SIDE_LABELS.items()), blank=True)
    code = models.CharField(_("科目编码"), max_length=40, blank=True)
    label = models.TextField(_("项目"), blank=True)

    class Meta(SourceBox.Meta):
        verbose_name = _("表格行")
        verbose_name_plural = _("表格行")

    def __str__(self) -> str:
        return f"{self.code} {self.label}".strip() or f"第 {self.position + 1} 行"


class GridCell(models.Model):
    """One value of a grid row: an amount in yuan, or text as printed (采购方式 …); both empty is blank."""

    row = models.ForeignKey(GridRow, on_delete=models.CASCADE, related_name="cells", verbose_name=_("行"))
    column = models.PositiveSmallIntegerField(_("列序号"), help_text=_("在表的“列”中的位置，从 0 起"))
    amount = Money(_("金额（元）"))
    text = models.TextField(_("文字"), blank=True)

    class Meta:
        verbose_name = _("表格单元格")
        verbose_name_plural = _("表格单元格")
        ordering = ["row", "column"]
        constraints = [models.UniqueConstraint(fields=["row", "column"], name="grid_cell_per_column")]

    def __str__(self) -> str:
        return self.text if self.amount is None else f"{self.amount}"

    @property
    def value(self) -> Decimal | str | None:
        """What the cell holds, for sorting: the amount, else the text, else None."""
        return self.amount if self.amount is not None else (self.text or None)


FUND_PARTS = tuple(FUND_LABELS)  # total, fiscal, non_fiscal, basic, project, other, superior, local


class PerformanceTarget(models.Model):
    """The head of a 绩效目标表: a project's (or the whole department's) funds and goals."""

    table = models.OneToOneField(
        ParsedTable, on_delete=models.CASCADE, related_name="target", verbose_name=_("表")
    )
    is_department = models.BooleanField(_("部门整体"), default=False)
    project = models.CharField(_("项目名称"), max_length=500, blank=True)
    supervisor = models.CharField(_("主管部门"), max_length=300, blank=True)
    implementer = models.CharField(_("实施单位"), max_length=300, blank=True)
    functions = models.TextField(_("部门职能"), blank=True)
    goals_initial = models.TextField(_("年初绩效目标"), blank=True)
    goals_adjusted = models.TextField(_("调整后绩效目标"), blank=True)
    has_initial_funds = models.BooleanField(_("有年初资金"), default=False)
    has_adjusted_funds = models.BooleanField(_("有调整资金"), default=False)
    initial_total = Money(_("年初资金总额"))
    initial_fiscal = Money(_("年初财政拨款"))
    initial_non_fiscal = Money(_("年初其他资金"))
    initial_basic = Money(_("年初基本支出"))
    initial_project = Money(_("年初项目支出"))
    initial_other = Money(_("年初其他"))
    initial_superior = Money(_("年初上级资金"))
    initial_local = Money(_("年初本级资金"))
    adjusted_total = Money(_("调整资金总额"))
    adjusted_fiscal = Money(_("调整财政拨款"))
    adjusted_non_fiscal = Money(_("调整其他资金"))
    adjusted_basic = Money(_("调整基本支出"))
    adjusted_project = Money(_("调整项目支出"))
    adjusted_other = Money(_("调整其他"))
    adjusted_superior = Money(_("调整上级资金"))
    adjusted_local = Money(_("调整本级资金"))

    class Meta:
        verbose_name = _("绩效目标")
        verbose_name_plural = _("绩效目标")

    def __str__(self) -> str:
        return self.project or "部门整体"


class Indicator(SourceBox):
    target = models.ForeignKey(
        PerformanceTarget, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("绩效目标")
    )
    level1 = models.CharField(_("一级指标"), max_length=100, blank=True)
    level2 = models.CharField(_("二级指标"), max_length=100, blank=True)
    has_initial = models.BooleanField(_("有年初指标"), default=False)
    has_adjusted = models.BooleanField(_("有调整指标"), default=False)
    initial_name = models.CharField(_("年初三级指标"), max_length=500, blank=True)
    initial_value = models.CharField(_("年初指标值"), max_length=300, blank=True)
    adjusted_name = models.CharField(_("调整三级指标"), max_length=500, blank=True)
    adjusted_value = models.CharField(_("调整指标值"), max_length=300, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # The value understood, where it can be: operator, number, printed unit, and the
    # quantity normalised (money in yuan) or a deadline date.
    initial_op = models.CharField(_("年初指标比较符"), max_length=2, blank=True)
    initial_number = models.DecimalField(
        _("年初指标数值"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    initial_unit = models.CharField(_("年初指标单位"), max_length=40, blank=True)
    initial_quantity = models.DecimalField(
        _("年初指标量"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    initial_quantity_unit = models.CharField(_("年初指标量单位"), max_length=40, blank=True)
    initial_deadline = models.DateField(_("年初完成期限"), null=True, blank=True)
    adjusted_op = models.CharField(_("调整指标比较符"), max_length=2, blank=True)
    adjusted_number = models.DecimalField(
        _("调整指标数值"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    adjusted_unit = models.CharField(_("调整指标单位"), max_length=40, blank=True)
    adjusted_quantity = models.DecimalField(
        _("调整指标量"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    adjusted_quantity_unit = models.CharField(_("调整指标量单位"), max_length=40, blank=True)
    adjusted_deadline = models.DateField(_("调整完成期限"), null=True, blank=True)

    class Meta(SourceBox.Meta):
        ordering = ["target", "position"]
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")

    def __str__(self) -> str:
        return self.adjusted_name or self.initial_name or ""


class OcrCell(models.Model):
    """A value of a table read by OCR from a scanned page, and whether a reviewer has checked it.

    ``field`` names the cell as the rules' findings do (``adjusted.total``, ``funds.adjusted.total``,
    ``values.<column path>``); ``row_position`` is the row's (or indicator's) position, None for a
    value of the table itself. A value read with little confidence, or one a finding concerns, is
    待核对 until a reviewer confirms it or corrects it; a correction is written into the row too.
    """

    class Status(models.TextChoices):
        DOUBTFUL = "doubtful", _("待核对")
        CONFIRMED = "confirmed", _("已确认")
        CORRECTED = "corrected", _("已更正")
        TRUSTED = "trusted", _("可信")

    table = models.ForeignKey(
        ParsedTable, on_delete=models.CASCADE, related_name="ocr_cells", verbose_name=_("表")
    )
    row_position = models.PositiveIntegerField(_("行"), null=True, blank=True)
    field = models.CharField(_("单元格"), max_length=500)
    text = models.CharField(_("识别文字"), max_length=200, blank=True)
    confidence = models.FloatField(_("置信度"))
    page = models.PositiveIntegerField(_("页码"), null=True, blank=True)
    bbox = ArrayField(models.FloatField(), size=4, verbose_name=_("位置"), null=True, blank=True)
    status = models.CharField(
        _("核对状态"), max_length=20, choices=Status.choices, default=Status.TRUSTED, db_index=True
    )
    corrected = models.DecimalField(_("更正后的值"), max_digits=18, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核对人"),
    )
    decided_at = models.DateTimeField(_("核对时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("识别单元格")
        verbose_name_plural = _("识别单元格")
        ordering = ["table", "row_position", "pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.text}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.DOUBTFUL

    @property
    def is_amount(self) -> bool:
        """An amount can be corrected; an indicator's value (``≥5次``) is text, only confirmed."""
        return not self.field.endswith(".value")
