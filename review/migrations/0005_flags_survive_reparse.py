"""Flags outlive a re-parse: their table is set to NULL, never cascaded, and keep its title when it is gone."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('filings', '0007_tables_per_version'),
        ('review', '0004_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='flag',
            name='table_title',
            field=models.CharField(blank=True, help_text='重新解析后未再读到该表时，记下原表的标题。', max_length=500, verbose_name='表'),
        ),
        migrations.AddField(
            model_name='historicalflag',
            name='table_title',
            field=models.CharField(blank=True, help_text='重新解析后未再读到该表时，记下原表的标题。', max_length=500, verbose_name='表'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='table',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='flags', to='filings.parsedtable'),
        ),
    ]
