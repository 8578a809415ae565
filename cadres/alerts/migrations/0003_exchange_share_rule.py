"""The local rule on how much of a team one round of exchanges may move (RULES.md §2, L)."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    apps.get_model("cases", "SelectionRule").objects.get_or_create(code="exchange_share", effective_from=None, defaults={
        "name": "交流比例", "text": "每轮交流一般不超过班子成员的三分之一。", "source": "本地做法（RULES.md §2）",
        "params": {"numerator": 1, "denominator": 3}})


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_default_rules")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
