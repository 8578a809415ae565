"""The rules the reserve warnings cite, as `cases.SelectionRule` rows (their numbers live on
each pool: its targets and its 备而不用 years)."""

from django.db import migrations

RULES = [
    ("reserve_targets", "后备干部结构",
     "后备干部中35岁以下的不少于30%，其中30岁以下的不少于10%；女干部应不少于20%，党外干部应不少于10%；"
     "后备干部人数一般为职位数的2倍以上。", "本地后备干部队伍建设规划", {}),
    ("reserve_unused", "后备干部备而不用",
     "后备干部实行动态管理，对长期备而不用的，应当分析原因，及时调整。", "本地后备干部管理办法", {}),
]


def add_defaults(apps, schema_editor):
    SelectionRule = apps.get_model("cases", "SelectionRule")
    for code, name, text, source, params in RULES:
        SelectionRule.objects.get_or_create(code=code, effective_from=None, defaults={
            "name": name, "text": text, "source": source, "params": params})


class Migration(migrations.Migration):
    dependencies = [("reserves", "0002_pools_from_roster_field"), ("cases", "0003_case_check_reasons")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
