"""Give the roles their permissions on the review models."""

from django.db import migrations

from filings.roles import migrate_roles


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_findings"),
        ("filings", "0003_parsed_tables"),
    ]

    operations = [migrations.RunPython(migrate_roles, migrations.RunPython.noop)]
