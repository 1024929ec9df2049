"""Findings of the anomaly rules on a filing, and the reviewer's decision on each."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from filings.models import Filing, ParsedTable


class Severity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("警告")
    INFO = "info", _("提示")


class FindingQuerySet(models.QuerySet["Finding"]):
    def open(self) -> FindingQuerySet:
        return self.filter(decision=Finding.Decision.OPEN)


class Finding(models.Model):
    """One breach of one rule at one place; ``place`` survives a re-run of the rules."""

    class Decision(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("已确认")
        DISMISSED = "dismissed", _("已驳回")

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="findings")
    table = models.ForeignKey(
        ParsedTable, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    rule_id = models.CharField(_("规则"), max_length=60)
    anomaly_class = models.CharField(_("类别"), max_length=60, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    table_kind = models.CharField(_("表类型"), max_length=40)
    key = models.CharField(_("行"), max_length=500)
    row_position = models.PositiveIntegerField(_("行序号"), null=True, blank=True)
    cells = ArrayField(models.CharField(max_length=60), verbose_name=_("单元格"), default=list)
    message = models.TextField(_("说明"))
    printed = models.CharField(_("印刷值"), max_length=300, blank=True)
    expected = models.CharField(_("应为"), max_length=300, blank=True)
    detail = models.TextField(_("细节"), blank=True)
    place = models.CharField(_("位置标识"), max_length=700)
    decision = models.CharField(
        _("处理"), max_length=20, choices=Decision.choices, default=Decision.OPEN, db_index=True
    )
    reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("异常")
        verbose_name_plural = _("异常")
        ordering = ["filing", "id"]
        indexes = [models.Index(fields=["filing", "place"])]

    def __str__(self) -> str:
        return self.message
