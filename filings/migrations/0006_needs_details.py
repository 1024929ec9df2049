"""Documents whose department, year or stage cannot be read wait for them (待补充信息).

Written by hand: the parse is kept on the document until the facts are given, and the facts
given by hand are kept so that a re-parse uses them.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("filings", "0005_grid_tables"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "排队中"),
                    ("parsing", "解析中"),
                    ("parsed", "已解析"),
                    ("failed", "失败"),
                    ("needs_ocr", "需要OCR"),
                    ("needs_details", "待补充信息"),
                ],
                db_index=True,
                default="queued",
                max_length=20,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="parsed",
            field=models.JSONField(
                blank=True,
                encoder=django.core.serializers.json.DjangoJSONEncoder,
                null=True,
                verbose_name="待补充信息的解析结果",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="given_department",
            field=models.CharField(blank=True, max_length=200, verbose_name="人工填写的部门"),
        ),
        migrations.AddField(
            model_name="document",
            name="given_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="人工填写的年度"),
        ),
        migrations.AddField(
            model_name="document",
            name="given_stage",
            field=models.CharField(
                blank=True,
                choices=[("original", "年初预算"), ("adjustment", "预算调整"), ("final", "决算")],
                max_length=20,
                verbose_name="人工填写的阶段",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="department_corrected",
            field=models.BooleanField(
                default=False,
                help_text="为真时重新解析也使用人工填写的部门。",
                verbose_name="部门经人工更正",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="details_given_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="补充信息人",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="details_given_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="补充信息时间"),
        ),
    ]
