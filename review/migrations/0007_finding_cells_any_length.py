"""A finding names a grid cell by its whole header path (`values.<column path>`), as long as printed."""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0006_finding_page_bbox'),
    ]

    operations = [
        migrations.AlterField(
            model_name='finding',
            name='cells',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), default=list, size=None, verbose_name='单元格'),
        ),
        migrations.AlterField(
            model_name='historicalfinding',
            name='cells',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), default=list, size=None, verbose_name='单元格'),
        ),
    ]
