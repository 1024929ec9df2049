"""A document's tables may be in several versions of its filing (a new version copies them)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('filings', '0006_needs_details'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='parsedtable',
            name='table_position_per_document',
        ),
        migrations.AddConstraint(
            model_name='parsedtable',
            constraint=models.UniqueConstraint(fields=('filing', 'document', 'position'), name='table_position_per_version'),
        ),
    ]
