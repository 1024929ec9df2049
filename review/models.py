"""The review of a filing: rule findings, reviewers' flags, comment threads and the sign-off.

Findings and flags share one workflow: open → resolved / dismissed (a reason is required to
dismiss). django-simple-history records every change with who and when.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from filings.models import Document, Filing, ParsedTable


class Severity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("警告")
    INFO = "info", _("提示")


class Decision(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已解决")
    DISMISSED = "dismissed", _("已驳回")


ANOMALY_CLASS_LABELS = {
    "change_mismatch": _("增减数不符"),
    "split_mismatch": _("合计与分项不符"),
    "sum_mismatch": _("合计与明细不符"),
    "balance_mismatch": _("收支不平衡"),
    "cross_table_mismatch": _("表间金额不一致"),
    "duplicate_entry": _("重复条目"),
    "missing_indicator": _("缺少必备指标"),
    "cost_exceeds_funds": _("成本指标超过资金"),
    "targets_without_funds": _("无资金仍有产出目标"),
    "indicator_value_invalid": _("指标值无效"),
    "stale_deadline": _("时效早于预算年度"),
    "department_funds_mismatch": _("部门整体资金与其他表不符"),
    "target_table_unlisted": _("绩效表项目未列入项目表"),
    "target_change_large": _("指标调整幅度过大"),
    "funds_cut_targets_raised": _("资金减少而目标提高"),
    "narrative_mismatch": _("说明中的数字与表不符"),
    "narrative_logic": _("说明的文字与数字矛盾"),
    "year_mismatch": _("年份错误"),
    "template_remnant": _("模板残留"),
    "punctuation": _("标点"),
}


class FindingQuerySet(models.QuerySet["Finding"]):
    def open(self) -> FindingQuerySet:
        return self.filter(decision=Decision.OPEN)


class Finding(models.Model):
    """One anomaly: every breach of one class on one row key of one table, as SCHEMA.md counts.

    ``parts`` keeps each cell's breach (its rule, row, cells, printed and expected figures,
    page and box) so the panel shows all of them; ``place`` — class, table kind and key —
    survives a re-run of the rules and a new version.
    """

    Decision = Decision

    filing = models.ForeignKey(
        Filing, on_delete=models.CASCADE, related_name="findings", verbose_name=_("预算文件")
    )
    table = models.ForeignKey(
        ParsedTable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("表"),
    )
    rule_id = models.CharField(_("规则"), max_length=60)
    anomaly_class = models.CharField(_("类别"), max_length=60, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    table_kind = models.CharField(_("表类型"), max_length=40)
    key = models.CharField(_("行"), max_length=500)
    row_position = models.PositiveIntegerField(_("行序号"), null=True, blank=True)
    # `values.<column path>` on a grid: a header path is as long as the table prints it (the
    # grid's own columns are TextFields), so a cell name is too.
    cells = ArrayField(models.TextField(), verbose_name=_("单元格"), default=list)
    # A finding in the 说明 stands on no table: on its document's page, the paragraph boxed.
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("文档")
    )
    page = models.PositiveIntegerField(_("页"), null=True, blank=True)
    bbox = models.JSONField(_("位置框"), null=True, blank=True)
    message = models.TextField(_("说明"))
    printed = models.CharField(_("印刷值"), max_length=300, blank=True)
    expected = models.CharField(_("应为"), max_length=300, blank=True)
    detail = models.TextField(_("细节"), blank=True)
    # [{"rule_id", "row", "cells", "message", "printed", "expected", "page", "bbox"}, …]
    parts = models.JSONField(_("各处明细"), default=list, blank=True)
    place = models.CharField(_("位置标识"), max_length=700)
    decision = models.CharField(
        _("处理"), max_length=20, choices=Decision.choices, default=Decision.OPEN, db_index=True
    )
    reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("异常")
        verbose_name_plural = _("异常")
        ordering = ["filing", "id"]
        indexes = [models.Index(fields=["filing", "place"])]

    def __str__(self) -> str:
        return self.message

    @property
    def class_label(self) -> str:
        return str(ANOMALY_CLASS_LABELS.get(self.anomaly_class, self.anomaly_class))

    @property
    def advisory(self) -> bool:
        """A class of our own, outside SCHEMA.md's table: a hint for the reviewer, not an anomaly."""
        from .rules import SCHEMA_CLASSES

        return self.anomaly_class not in SCHEMA_CLASSES

    @property
    def part_list(self) -> list[dict[str, Any]]:
        """Each breach of the anomaly; a finding stored before parts existed is its own one part."""
        if self.parts:
            return self.parts
        return [
            {
                "rule_id": self.rule_id,
                "row": self.row_position,
                "cells": list(self.cells),
                "message": self.message,
                "printed": self.printed,
                "expected": self.expected,
                "page": self.page,
                "bbox": self.bbox,
            }
        ]

    @property
    def cell_refs(self) -> list[tuple[int | None, str | None]]:
        """(row, cell) of every cell the anomaly concerns; a part without cells names its row (None)."""
        refs: list[tuple[int | None, str | None]] = []
        for part in self.part_list:
            refs.extend((part.get("row"), cell) for cell in part.get("cells") or [None])
        return refs

    @property
    def carried_over(self) -> bool:
        """Decided before this version existed: the decision came over from the previous version.

        A decision made in this version is newer than the version, so deciding again (or
        re-opening) ends the carry-over without anything to reset.
        """
        return self.decided_at is not None and self.decided_at < self.filing.created_at


class Flag(models.Model):
    """A reviewer's mark on a row (``row_position``) or a whole table (no row), with a note."""

    Decision = Decision

    filing = models.ForeignKey(
        Filing, on_delete=models.CASCADE, related_name="flags", verbose_name=_("预算文件")
    )
    # A re-parse rewrites the tables and re-attaches the flag to the table read at the same place;
    # a table no longer read leaves it on no table, never deletes a reviewer's mark.
    table = models.ForeignKey(
        ParsedTable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("表"),
    )
    table_title = models.CharField(
        _("表"), max_length=500, blank=True, help_text=_("重新解析后未再读到该表时，记下原表的标题。")
    )
    row_position = models.PositiveIntegerField(_("行序号"), null=True, blank=True)
    row_label = models.CharField(_("行"), max_length=500, blank=True)
    note = models.TextField(_("说明"))
    decision = models.CharField(_("处理"), max_length=20, choices=Decision.choices, default=Decision.OPEN)
    reason = models.TextField(_("理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("标记人")
    )
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标记")
        verbose_name_plural = _("标记")
        ordering = ["filing", "-created_at"]

    def __str__(self) -> str:
        return self.note[:60]

    @property
    def thread(self) -> str:
        return f"flag:{self.pk}"


class Comment(models.Model):
    """One message in the thread of a finding (by its place) or of a flag."""

    filing = models.ForeignKey(
        Filing, on_delete=models.CASCADE, related_name="comments", verbose_name=_("预算文件")
    )
    thread = models.CharField(_("讨论"), max_length=720, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("作者")
    )
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class SignOff(models.Model):
    """The record of a sign-off; one per filing, so of two reviewers signing at once one wins."""

    filing = models.OneToOneField(
        Filing, on_delete=models.PROTECT, related_name="sign_off", verbose_name=_("预算文件")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签批人")
    )
    signed_at = models.DateTimeField(_("签批时间"), auto_now_add=True)
    document_sha256 = ArrayField(models.CharField(max_length=64), verbose_name=_("文件 SHA-256"))
    open_errors = models.PositiveIntegerField(_("签批时未处理的错误"), default=0)
    override_reason = models.TextField(_("越过未处理错误的理由"), blank=True)

    class Meta:
        verbose_name = _("签批")
        verbose_name_plural = _("签批")

    def __str__(self) -> str:
        return f"{self.filing} · {self.signed_by}"
