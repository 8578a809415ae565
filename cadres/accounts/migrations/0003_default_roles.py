from django.db import migrations

# code, name, description, flags
DEFAULT_ROLES = [
    ("admin", "系统管理员", "管理用户、角色和授权，查阅审计记录",
     {"all_units": True, "sees_records": True, "sees_analysis": True, "browses_audit": True,
      "manages_users": True, "requires_two_factor": True}),
    ("cadre_office", "干部科", "管理范围内干部的信息、分析和选拔任用",
     {"sees_records": True, "sees_analysis": True, "sees_sensitive": True,
      "requires_two_factor": True}),
    ("supervision", "干部监督科", "干部监督、12380举报受理，查阅审计记录",
     {"sees_records": True, "sees_analysis": True, "sees_sensitive": True, "sees_reports": True,
      "browses_audit": True, "requires_two_factor": True}),
    ("unit_clerk", "单位信息员", "维护本单位干部信息", {"sees_records": True}),
    ("leader", "领导", "查看分析和规划（只读）", {"sees_analysis": True}),
    ("committee", "委员", "参加票决", {}),
    ("inspection", "考察组成员", "查看考察对象信息（按考察任务授权）", {"sees_records": True}),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for order, (code, name, description, flags) in enumerate(DEFAULT_ROLES, start=1):
        Role.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "sort_order": order, **flags},
        )


def remove_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code__in=[code for code, *_ in DEFAULT_ROLES], grants__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [("accounts", "0002_roles_grants_login_attempts")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
