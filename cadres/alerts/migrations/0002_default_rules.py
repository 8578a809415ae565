"""The numbers the warnings use (RULES.md §2, §5, §6 and the source documents), as
`cases.SelectionRule` rows; and the module's codes for the default roles."""

from django.db import migrations

RULES = [
    ("warn_age_limit", "到龄预警", "距任职年龄界限或退休年龄不足规定月数的，提前预警。",
     "《推进领导干部能上能下规定》第五条", {"months": 12}),
    ("warn_probation", "试用期满预警", "试用期满前提前安排考核，决定是否正式任职。",
     "《党政领导干部选拔任用工作条例》第四十三条", {"days": 30}),
    ("tenure_same_post", "同一职位任职年限",
     "县级以上地方党委、政府领导成员在同一职位任职满10年的，必须交流。", "《党政领导干部交流工作规定》第五条",
     {"years": 10, "warn_months": 12}),
    ("term_limit", "任期",
     "党政领导职务每个任期为5年；在同一职位上连续任职达到两个任期的，不再推荐、提名或者任命担任同一职务。",
     "《党政领导干部职务任期暂行规定》", {"term_years": 5, "terms": 2}),
    ("same_level_total", "同一层次任职年限", "在同一层次领导职务上任职累计达到15年的，不再推荐、提名或者任命担任同一层次领导职务。",
     "《党政领导干部职务任期暂行规定》", {"years": 15}),
    ("regional_avoidance", "地域回避",
     "不得在本人成长地担任县（市）党委、政府以及纪检机关、组织部门、人民法院、人民检察院、公安部门正职领导成员。",
     "《党政领导干部任职回避暂行规定》第五条",
     {"offices": ["县委", "县政府", "人民政府", "纪委", "监委", "组织部", "人民法院", "人民检察院", "公安局"]}),
    ("sanction_ending", "处分影响期届满", "处分影响期即将届满的，提示按规定使用。", "《中国共产党纪律处分条例》",
     {"days": 30}),
    ("personal_matters_due", "个人有关事项报告", "领导干部每年1月31日前集中报告上一年度个人有关事项。",
     "《领导干部报告个人有关事项规定》", {"month": 1, "day": 31}),
]
CODES = {
    "cadre_office": ["alerts.view", "alerts.exchange"],
    "supervision": ["alerts.view"],
    "leader": ["alerts.view"],
}


def add_defaults(apps, schema_editor):
    SelectionRule = apps.get_model("cases", "SelectionRule")
    for code, name, text, source, params in RULES:
        SelectionRule.objects.get_or_create(code=code, effective_from=None, defaults={
            "name": name, "text": text, "source": source, "params": params})


def add_role_codes(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=CODES):
        role.permissions = sorted(set(role.permissions) | set(CODES[role.code]))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_alerts"), ("cases", "0003_case_check_reasons"),
                    ("accounts", "0007_default_roles_ballot_codes")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop),
                  migrations.RunPython(add_role_codes, migrations.RunPython.noop)]
