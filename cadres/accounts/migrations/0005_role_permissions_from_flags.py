"""Each role's capability flags become permission codes (data only; 0006 drops the flags).

The mapping keeps what every role could do: 查看干部名册和信息 → people.view/change/import/
export and org.view; 查看分析和规划 → analytics.view and plans.view, plus plans.change and
org.change with the records flag (as plans' can_edit_plans decided); 敏感信息 → view and export
of sensitive fields; 12380 → reports.view; 审计 → audit.view/export; 用户 → accounts.manage.
考察组成员 reads only: it gets no change or import.
"""

from django.db import migrations

FLAG_CODES = {
    "sees_records": ["people.view", "people.change", "people.import", "people.export",
                     "org.view"],
    "sees_analysis": ["analytics.view", "plans.view"],
    "sees_sensitive": ["people.view_sensitive", "people.export_sensitive"],
    "sees_reports": ["reports.view"],
    "browses_audit": ["audit.view", "audit.export"],
    "manages_users": ["accounts.manage"],
}
# Granted when a role has both records and analysis (the officers and the administrator).
RECORDS_AND_ANALYSIS_CODES = ["plans.change", "org.change"]
READ_ONLY_ROLES = {"inspection": {"people.change", "people.import"}}


def codes_for(role) -> list[str]:
    codes = set()
    for flag, flag_codes in FLAG_CODES.items():
        if getattr(role, flag):
            codes.update(flag_codes)
    if role.sees_records and role.sees_analysis:
        codes.update(RECORDS_AND_ANALYSIS_CODES)
    codes -= READ_ONLY_ROLES.get(role.code, set())
    return sorted(codes)


def flags_to_codes(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        role.permissions = codes_for(role)
        role.save(update_fields=["permissions"])


def codes_to_flags(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        codes = set(role.permissions or [])
        for flag, flag_codes in FLAG_CODES.items():
            setattr(role, flag, flag_codes[0] in codes)
        role.save()


class Migration(migrations.Migration):

    dependencies = [("accounts", "0004_role_permissions_login_throttle")]

    operations = [migrations.RunPython(flags_to_codes, codes_to_flags)]
