"""Departments, their filings (one per department/year/stage/version) and the uploaded documents."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budget_filing.kinds import STAGE_LABELS
from filings.roles import ADMINS


def user_is_admin(user: Any) -> bool:
    """Superusers and the 管理员 group: they see and may fix every document."""
    return bool(user.is_superuser or user.groups.filter(name=ADMINS).exists())


class Department(models.Model):
    name = models.CharField(_("部门名称"), max_length=200, unique=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewed_departments",
        verbose_name=_("审核员"),
        help_text=_("只有这里列出的审核员能看到并签批该部门的预算文件。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Filing(models.Model):
    class Stage(models.TextChoices):
        ORIGINAL = "original", _("年初预算")
        ADJUSTMENT = "adjustment", _("预算调整")
        FINAL = "final", _("决算")

    class Status(models.TextChoices):
        PARSED = "parsed", _("待审核")
        IN_REVIEW = "in_review", _("审核中")
        SIGNED_OFF = "signed_off", _("已签批")
        REOPENED = "reopened", _("已重开（新版本）")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="filings", verbose_name=_("部门")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PARSED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filings_in_review",
        verbose_name=_("审核人"),
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("上一版本")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最近活动"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("预算文件")
        verbose_name_plural = _("预算文件")
        ordering = ["-year", "department__name", "stage", "-version"]
        permissions = [("review_filing", _("可以审核预算文件"))]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "stage", "version"], name="filing_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year} {self.get_stage_display()} v{self.version}"

    @property
    def is_read_only(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


def document_storage_path(sha256: str) -> str:
    """Files are stored by content hash, so one file is stored once whatever its name."""
    return f"documents/{sha256[:2]}/{sha256}.pdf"


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        """Admins see every document; reviewers those of their departments; everyone their own uploads."""
        if user_is_admin(user):
            return self
        mine = models.Q(uploaded_by=user)
        if user.has_perm("filings.review_filing"):
            mine |= models.Q(filing__department__reviewers=user)
        return self.filter(mine).distinct()

    def pending(self) -> DocumentQuerySet:
        return self.filter(status__in=[Document.Status.QUEUED, Document.Status.PARSING])


class Document(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        PARSING = "parsing", _("解析中")
        PARSED = "parsed", _("已解析")
        FAILED = "failed", _("失败")
        NEEDS_OCR = "needs_ocr", _("需要OCR")
        NEEDS_DETAILS = "needs_details", _("待补充信息")

    filing = models.ForeignKey(
        Filing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("预算文件"),
    )
    original_filename = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("内容类型"), max_length=100)
    file = models.FileField(_("文件"), max_length=255)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    title = models.CharField(_("首个标题"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("上传人"),
        null=True,
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    error = models.TextField(_("错误信息"), blank=True)
    pages_without_text = models.JSONField(_("无文字层的页"), default=list, blank=True)
    # A scan: pages read by OCR (their figures are OcrCells, checked by a reviewer), and pages
    # with nothing printed on them, which are neither read nor unread.
    pages_scanned = models.JSONField(_("扫描页"), default=list, blank=True)
    pages_blank = models.JSONField(_("空白页"), default=list, blank=True)
    ocr_engine = models.CharField(_("OCR 引擎"), max_length=100, blank=True)
    # How far the running parse is, page by page (shown in the documents list while it runs).
    pages_done = models.PositiveIntegerField(_("已解析页数"), null=True, blank=True)
    pages_total = models.PositiveIntegerField(_("待解析页数"), null=True, blank=True)
    # What the parser could not read: {"tables": n, "unread": [{page, bbox, what, text}]}.
    # Empty means not recorded (an older parser), which is unknown, never "all read".
    coverage = models.JSONField(_("读取范围"), default=dict, blank=True)
    # The 说明 as read: paragraphs {page, text, bbox} (filings/parsing/narrative.py), which the
    # rules check against the tables (filing_to_dict gives them to the rules as "narrative").
    narrative = models.JSONField(_("说明"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("解析次数"), default=0)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    parse_started_at = models.DateTimeField(_("开始解析"), null=True, blank=True)
    parse_finished_at = models.DateTimeField(_("完成解析"), null=True, blank=True)
    parse_seconds = models.FloatField(_("解析用时（秒）"), null=True, blank=True)
    parser_version = models.CharField(_("解析器版本"), max_length=40, blank=True)
    # While the department, year or stage is missing no filing can be formed, so the parse is
    # kept here whole until someone gives them; cleared once its tables are stored.
    parsed = models.JSONField(_("待补充信息的解析结果"), null=True, blank=True, encoder=DjangoJSONEncoder)
    # Facts given by hand: used when the parser cannot read them, so a re-parse keeps them.
    given_department = models.CharField(_("人工填写的部门"), max_length=200, blank=True)
    given_year = models.PositiveSmallIntegerField(_("人工填写的年度"), null=True, blank=True)
    given_stage = models.CharField(
        _("人工填写的阶段"), max_length=20, blank=True, choices=list(STAGE_LABELS.items())
    )
    # A corrected department was read wrongly, so it wins over what the parser reads.
    department_corrected = models.BooleanField(
        _("部门经人工更正"), default=False, help_text=_("为真时重新解析也使用人工填写的部门。")
    )
    details_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("补充信息人"),
    )
    details_given_at = models.DateTimeField(_("补充信息时间"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("上传文档")
        verbose_name_plural = _("上传文档")
        ordering = ["-uploaded_at", "-id"]
        permissions = [("upload_document", _("可以上传预算文件"))]

    def __str__(self) -> str:
        return self.original_filename

    def get_absolute_url(self) -> str:
        # The admin's "view on site" leads to the page with the forms that give missing facts.
        return reverse("filings:document", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.PARSING}

    @property
    def is_scan(self) -> bool:
        return bool(self.pages_scanned)

    @property
    def progress_text(self) -> str:
        """``第 3/20 页`` while a parse runs and has said how far it is; else ''."""
        if self.status != self.Status.PARSING or not self.pages_total:
            return ""
        return f"第 {self.pages_done or 0}/{self.pages_total} 页"
