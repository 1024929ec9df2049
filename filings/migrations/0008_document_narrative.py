"""A document keeps its 说明 (paragraphs with page and box), so the rules re-run from the database check it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("filings", "0007_tables_per_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="narrative",
            field=models.JSONField(blank=True, default=list, verbose_name="说明"),
        ),
    ]
