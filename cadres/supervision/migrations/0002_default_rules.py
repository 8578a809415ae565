"""The register's numbers on the rule `personal_matters_due` (added by alerts 0002 with the
deadline's month and day): the ranks that report (县处级副职以上, RULES.md §6), the days a new
appointee has (30) and the days before the deadline a missing report is due soon (30), each
only where the row does not have it yet; and the module's codes for the default roles."""

from django.db import migrations

RULE = "personal_matters_due"
PARAMS = {"ranks": ["0111", "0112", "0121", "0122", "0131", "0132"], "new_days": 30, "warn_days": 30}
CODES = {
    "cadre_office": ["supervision.view"],
    "supervision": ["supervision.view", "supervision.manage"],
    "leader": ["supervision.view"],
}


def add_defaults(apps, schema_editor):
    SelectionRule = apps.get_model("cases", "SelectionRule")
    for row in SelectionRule.objects.filter(code=RULE):
        params = dict(row.params or {})
        missing = {name: value for name, value in PARAMS.items() if name not in params}
        if missing:
            row.params = {**params, **missing}
            row.save(update_fields=["params"])


def add_role_codes(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=CODES):
        role.permissions = sorted(set(role.permissions) | set(CODES[role.code]))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_supervision"), ("alerts", "0002_default_rules"),
                    ("cases", "0003_case_check_reasons"), ("accounts", "0007_default_roles_ballot_codes")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop),
                  migrations.RunPython(add_role_codes, migrations.RunPython.noop)]
