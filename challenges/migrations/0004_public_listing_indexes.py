"""Indexes of the public listing: its sort orders over public states, and the mode filter.

The mode filter is JSON containment (`cooperation_modes @> '["…"]'`), served by a
GIN index on PostgreSQL only (SQLite has no such index and needs none at its scale).
"""

from django.conf import settings
from django.db import migrations, models


def create_mode_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS challenge_modes_gin "
            "ON challenges_challenge USING GIN (cooperation_modes jsonb_path_ops)"
        )


def drop_mode_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS challenge_modes_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0003_saved_searches"),
        ("entities", "0002_user_language_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(
                condition=models.Q(
                    (
                        "state__in",
                        (
                            "listed",
                            "evaluation",
                            "lead_assigned",
                            "in_validation",
                            "validated",
                            "failed_validation",
                        ),
                    )
                ),
                fields=["-published_at", "-id"],
                name="challenge_public_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(
                condition=models.Q(
                    (
                        "state__in",
                        (
                            "listed",
                            "evaluation",
                            "lead_assigned",
                            "in_validation",
                            "validated",
                            "failed_validation",
                        ),
                    )
                ),
                fields=["deadline", "-id"],
                name="challenge_public_deadline",
            ),
        ),
        migrations.RunPython(create_mode_index, drop_mode_index),
    ]
