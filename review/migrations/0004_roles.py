"""Give reviewers their permissions on flags, comments and sign-offs."""

from django.db import migrations

from filings.roles import migrate_roles


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0003_flags_comments_signoff"),
        ("filings", "0004_review_workflow"),
    ]

    operations = [migrations.RunPython(migrate_roles, migrations.RunPython.noop)]
