"""The roster's orderings (排序号 within the unit, 姓氏笔画, sortable columns) as indexes, so a
page is read by seeking in an index (keyset paging), and Person's default ordering as the
department's: unit by its place in the tree (Unit.sort_key), then 排序号, then 姓氏笔画."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0006_unit_history_sort_key_leader_posts"),
        ("people", "0005_person_file_fields_name_keys_left_on_saved_query"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["unit__sort_key", "unit__id", "sort_order", "name_strokes", "id"],
                "verbose_name": "干部",
                "verbose_name_plural": "干部",
            },
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["unit", "sort_order", "name_strokes", "id"], name="person_unit_order_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_strokes", "id"], name="person_strokes_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["birth_date", "name_strokes", "id"], name="person_birth_order_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["rank", "name_strokes", "id"], name="person_rank_order_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["post_started_on", "name_strokes", "id"], name="person_post_order_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_initials"], name="person_initials_idx"),
        ),
    ]
