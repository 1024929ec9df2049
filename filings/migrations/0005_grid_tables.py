"""Grid tables (every ruled table that is none of the six typed kinds), 决算 filings, coverage.

Written by hand: ParsedTable gains role, columns and note, GridRow and GridCell hold a grid's
rows and values, a filing may be a 决算 (stage "final"), and a document keeps what its parse
could not read (coverage).
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

STAGES = [("original", "年初预算"), ("adjustment", "预算调整"), ("final", "决算")]
KINDS = [
    ("income_expense_summary", "收支总体情况表"),
    ("functional_expenditure", "一般公共预算支出表（功能分类科目）"),
    ("project_expenditure", "项目支出表"),
    ("transfer_payment", "转移支付表"),
    ("department_performance", "部门整体支出绩效目标表"),
    ("project_performance", "项目支出绩效目标表"),
    ("grid", "其他表格"),
]
ROLES = [
    ("summary", "收支总表"),
    ("income_sources", "收入总表"),
    ("expense_split", "支出总表"),
    ("fiscal_summary", "财政拨款收支总表"),
    ("fiscal_functional", "财政拨款支出表（功能科目）"),
    ("economic_basic", "基本支出表（经济分类）"),
    ("three_public", "“三公”经费表"),
    ("operating_costs", "机关运行经费表"),
    ("government_fund", "政府性基金预算支出表"),
    ("state_capital", "国有资本经营预算支出表"),
    ("procurement", "政府采购预算表"),
    ("project_list", "项目支出表（其他格式）"),
    ("final_accounts", "决算表"),
    ("other", "其他表格"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("filings", "0004_review_workflow"),
    ]

    operations = [
        migrations.AlterField(
            model_name="filing",
            name="stage",
            field=models.CharField(choices=STAGES, max_length=20, verbose_name="阶段"),
        ),
        migrations.AlterField(
            model_name="historicalfiling",
            name="stage",
            field=models.CharField(choices=STAGES, max_length=20, verbose_name="阶段"),
        ),
        migrations.AddField(
            model_name="document",
            name="coverage",
            field=models.JSONField(blank=True, default=dict, verbose_name="读取范围"),
        ),
        migrations.AlterField(
            model_name="parsedtable",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=40, verbose_name="表类型"),
        ),
        migrations.AddField(
            model_name="parsedtable",
            name="role",
            field=models.CharField(blank=True, choices=ROLES, max_length=40, verbose_name="表格用途"),
        ),
        migrations.AddField(
            model_name="parsedtable",
            name="columns",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.TextField(), blank=True, default=list, size=None, verbose_name="列"
            ),
        ),
        migrations.AddField(
            model_name="parsedtable",
            name="note",
            field=models.TextField(blank=True, verbose_name="表注"),
        ),
        migrations.CreateModel(
            name="GridRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField(verbose_name="顺序")),
                ("page", models.PositiveIntegerField(blank=True, null=True, verbose_name="页码")),
                (
                    "bbox",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.FloatField(), blank=True, null=True, size=4, verbose_name="位置"
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        blank=True, choices=[("income", "收入"), ("expense", "支出")], max_length=10, verbose_name="收支"
                    ),
                ),
                ("code", models.CharField(blank=True, max_length=40, verbose_name="科目编码")),
                ("label", models.TextField(blank=True, verbose_name="项目")),
                (
                    "table",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="grid_rows",
                        to="filings.parsedtable",
                    ),
                ),
            ],
            options={
                "verbose_name": "表格行",
                "verbose_name_plural": "表格行",
                "ordering": ["table", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="GridCell",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "column",
                    models.PositiveSmallIntegerField(help_text="在表的“列”中的位置，从 0 起", verbose_name="列序号"),
                ),
                (
                    "amount",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="金额（元）"),
                ),
                ("text", models.TextField(blank=True, verbose_name="文字")),
                (
                    "row",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="cells", to="filings.gridrow"
                    ),
                ),
            ],
            options={
                "verbose_name": "表格单元格",
                "verbose_name_plural": "表格单元格",
                "ordering": ["row", "column"],
                "constraints": [models.UniqueConstraint(fields=("row", "column"), name="grid_cell_per_column")],
            },
        ),
    ]
