"""The numbers of the training check (RULES.md §7, 干部教育培训工作条例 2023): 县处级以上 every
5 years 550学时 or 3个月 (90 days) of 脱产培训; 乡科级 and below every 12 months 90学时 or 12天.
Added to every `training` rule row, keeping any key a deployment has already set."""

from django.db import migrations

PARAMS = {"county_years": 5, "county_hours": 550, "county_days": 90,
          "township_months": 12, "township_hours": 90, "township_days": 12}


def add_defaults(apps, schema_editor):
    SelectionRule = apps.get_model("cases", "SelectionRule")
    for row in SelectionRule.objects.filter(code="training"):
        values = dict(row.params or {})
        missing = {key: value for key, value in PARAMS.items() if key not in values}
        if missing:
            row.params = {**values, **missing}
            row.save(update_fields=["params"])


def remove_params(apps, schema_editor):
    """Take off the keys that still hold these defaults."""
    SelectionRule = apps.get_model("cases", "SelectionRule")
    for row in SelectionRule.objects.filter(code="training"):
        values = dict(row.params or {})
        kept = {key: value for key, value in values.items() if PARAMS.get(key, object()) != value}
        if kept != values:
            row.params = kept
            row.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_check_reasons")]
    operations = [migrations.RunPython(add_defaults, remove_params)]
