"""One finding per anomaly (class, table, key): each cell's breach is kept in ``parts``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0007_finding_cells_any_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="parts",
            field=models.JSONField(blank=True, default=list, verbose_name="各处明细"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="parts",
            field=models.JSONField(blank=True, default=list, verbose_name="各处明细"),
        ),
    ]
