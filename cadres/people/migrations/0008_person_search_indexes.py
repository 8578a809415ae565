# The roster's searches that no index served (bench/roster.py): the name's characters on
# PostgreSQL (a GIN index over string_to_array(name, NULL), which NameHasChars in
# cadres.people.selectors queries; SQLite has no GIN and keeps its LIKE), and the rare flags
# 后备干部 / 少数民族 as partial indexes on both databases.

from django.db import migrations, models

NAME_CHARS_INDEX = "person_name_chars_idx"


def name_chars_index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME_CHARS_INDEX} ON people_person "
            "USING gin (string_to_array(name::text, NULL))"
        )


def name_chars_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_CHARS_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0007_unit_order_by_sort_key_reorder_change'),
        ('people', '0007_person_left_on_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='person',
            index=models.Index(
                condition=models.Q(('reserve_pool', ''), _negated=True),
                fields=['is_team_member', 'ethnicity', 'political_status', 'sex', 'id'],
                name='person_reserve_flags_idx',
            ),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(
                condition=models.Q(('ethnicity', '01'), _negated=True),
                fields=['is_team_member', 'political_status', 'sex', 'id'],
                name='person_minority_flags_idx',
            ),
        ),
        migrations.RunPython(name_chars_index_create, name_chars_index_drop, elidable=False),
    ]
