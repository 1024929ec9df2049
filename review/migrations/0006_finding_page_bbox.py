"""A finding in the 说明 stands on no table: it keeps its document, page and the paragraph's box."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('filings', '0008_document_narrative'),
        ('review', '0005_flags_survive_reparse'),
    ]

    operations = [
        migrations.AddField(
            model_name='finding',
            name='bbox',
            field=models.JSONField(blank=True, null=True, verbose_name='位置框'),
        ),
        migrations.AddField(
            model_name='finding',
            name='document',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='filings.document', verbose_name='文档'),
        ),
        migrations.AddField(
            model_name='finding',
            name='page',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='页'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='bbox',
            field=models.JSONField(blank=True, null=True, verbose_name='位置框'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='document',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='filings.document', verbose_name='文档'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='page',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='页'),
        ),
    ]
