"""Scanned filings: the values read by OCR (OcrCell, with their review), and a document's scanned,
blank pages and parse progress."""

import django.contrib.postgres.fields
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0008_document_narrative"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="ocr_engine",
            field=models.CharField(blank=True, max_length=100, verbose_name="OCR 引擎"),
        ),
        migrations.AddField(
            model_name="document",
            name="pages_blank",
            field=models.JSONField(blank=True, default=list, verbose_name="空白页"),
        ),
        migrations.AddField(
            model_name="document",
            name="pages_done",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="已解析页数"),
        ),
        migrations.AddField(
            model_name="document",
            name="pages_scanned",
            field=models.JSONField(blank=True, default=list, verbose_name="扫描页"),
        ),
        migrations.AddField(
            model_name="document",
            name="pages_total",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="待解析页数"),
        ),
        migrations.CreateModel(
            name="HistoricalOcrCell",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("row_position", models.PositiveIntegerField(blank=True, null=True, verbose_name="行")),
                ("field", models.CharField(max_length=500, verbose_name="单元格")),
                ("text", models.CharField(blank=True, max_length=200, verbose_name="识别文字")),
                ("confidence", models.FloatField(verbose_name="置信度")),
                ("page", models.PositiveIntegerField(blank=True, null=True, verbose_name="页码")),
                (
                    "bbox",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.FloatField(), blank=True, null=True, size=4, verbose_name="位置"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("doubtful", "待核对"),
                            ("confirmed", "已确认"),
                            ("corrected", "已更正"),
                            ("trusted", "可信"),
                        ],
                        db_index=True,
                        default="trusted",
                        max_length=20,
                        verbose_name="核对状态",
                    ),
                ),
                (
                    "corrected",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="更正后的值"
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="核对时间")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="核对人",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "table",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="filings.parsedtable",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 识别单元格",
                "verbose_name_plural": "historical 识别单元格",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="OcrCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("row_position", models.PositiveIntegerField(blank=True, null=True, verbose_name="行")),
                ("field", models.CharField(max_length=500, verbose_name="单元格")),
                ("text", models.CharField(blank=True, max_length=200, verbose_name="识别文字")),
                ("confidence", models.FloatField(verbose_name="置信度")),
                ("page", models.PositiveIntegerField(blank=True, null=True, verbose_name="页码")),
                (
                    "bbox",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.FloatField(), blank=True, null=True, size=4, verbose_name="位置"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("doubtful", "待核对"),
                            ("confirmed", "已确认"),
                            ("corrected", "已更正"),
                            ("trusted", "可信"),
                        ],
                        db_index=True,
                        default="trusted",
                        max_length=20,
                        verbose_name="核对状态",
                    ),
                ),
                (
                    "corrected",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="更正后的值"
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="核对时间")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="核对人",
                    ),
                ),
                (
                    "table",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ocr_cells",
                        to="filings.parsedtable",
                    ),
                ),
            ],
            options={
                "verbose_name": "识别单元格",
                "verbose_name_plural": "识别单元格",
                "ordering": ["table", "row_position", "pk"],
            },
        ),
    ]
