"""The assessment rules with their numbers (RULES.md §3 and the source documents), as
`cases.SelectionRule` rows a deployment edits on the 规则 page; and the module's codes for the
default roles."""

from django.db import migrations

RULES = [
    ("excellent_quota", "优秀比例",
     "年度考核优秀等次人数一般不超过参加年度考核人数的20%；经主管部门批准可以适当提高，最高不超过25%。",
     "《公务员考核规定》(2020)", {"percent": 20, "approved_max_percent": 25}),
    ("three_excellent", "连续三年优秀",
     "连续三年年度考核为优秀等次的，记三等功，并给予奖励。", "《公务员考核规定》；本地办法",
     {"years": 3, "award": "记三等功", "amount": 1500}),
    ("incompetent_grade", "不称职",
     "年度考核被确定为不称职的，降低一个职务或者职级层次任职；连续两年不称职的予以辞退。",
     "《公务员考核规定》；《公务员法》", {"adjust": "降低一个职务或者职级层次任职", "dismiss_after_years": 2}),
    ("basic_grade_no_count", "基本称职年度不计入晋升年限",
     "年度考核为基本称职的，该年度不计算为晋升职务职级的考核年限。", "《公务员考核规定》", {}),
    ("performance_tiers", "目标绩效考核奖励",
     "按目标绩效考核得分排名确定奖励等次和人均奖励金额。", "本地目标绩效考核办法",
     {"tiers": [{"name": "一等奖", "top": 3, "amount": 4000}, {"name": "二等奖", "top": 8, "amount": 3000},
                {"name": "三等奖", "top": 15, "amount": 2000}]}),
    ("targets_missed", "连续未完成目标任务",
     "连续两年未完成目标任务的，对其领导班子主要负责人予以调整。", "《推进领导干部能上能下规定》；本地办法",
     {"years": 2}),
    ("rating_incompetent_share", "民主测评不称职票",
     "民主测评不称职票超过到会人数三分之一的，进行组织调整。", "本地办法",
     {"numerator": 1, "denominator": 3}),
    ("ranking_review", "末位审视",
     "综合考核评价排名末位的，进行谈话提醒或者组织调整。", "本地办法", {"bottom": 1}),
]
CODES = {
    "cadre_office": ["assessments.view", "assessments.manage"],
    "supervision": ["assessments.view"],
    "leader": ["assessments.view"],
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
    dependencies = [("assessments", "0001_assessments"), ("cases", "0003_case_check_reasons"),
                    ("accounts", "0007_default_roles_ballot_codes")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop),
                  migrations.RunPython(add_role_codes, migrations.RunPython.noop)]
