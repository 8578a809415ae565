"""Default age-limit rule sets and principal titles; deployments edit them as data.

- 任职年龄界限（本地默认）: the local "到杠" ages (RULES §5: local, L). 正县级 57, 副县级 56,
  正科级 55, 副科级 55, for both sexes unless a deployment adds a sex-specific limit.
- 法定退休年龄（2025年起）: 全国人大常委会决定 of 2024-09-13 (RULES §5, H): men 60 → 63,
  women cadres 55 → 58, women on the old 50 → 55, raised with the birth month.
"""

import datetime as dt

from django.db import migrations

LOCAL_NAME = "任职年龄界限（本地默认）"
NATIONAL_NAME = "法定退休年龄（2025年起）"
WOMEN_WORKERS_50 = "女职工（原法定退休年龄50周岁）"
LOCAL_LIMITS = {"0131": 57, "0132": 56, "0141": 55, "0142": 55}
PRINCIPAL_TITLES = (
    "书记 党委书记 党组书记 党工委书记 总支书记 支部书记 县委书记 区委书记 市委书记 "
    "县长 区长 市长 镇长 乡长 局长 主任 部长 院长 检察长 主席 社长 所长 站长 馆长 校长 "
    "行长 经理 总经理 董事长 处长 科长 队长 大队长"
).split()


def add_defaults(apps, schema_editor):
    RuleSet = apps.get_model("plans", "AgeLimitRuleSet")
    AgeLimit = apps.get_model("plans", "AgeLimit")
    PrincipalTitle = apps.get_model("plans", "PrincipalTitle")
    local, created = RuleSet.objects.get_or_create(
        name=LOCAL_NAME,
        defaults={
            "kind": "post_age_limit",
            "is_default": True,
            "description": "本地默认的到杠年龄（各地规定不同，请按本地规定修改）。"
            "到杠：在满该年龄的当月到杠。",
        },
    )
    if created:
        for rank, age in LOCAL_LIMITS.items():
            AgeLimit.objects.create(rule_set=local, rank=rank, age_years=age)
    national, created = RuleSet.objects.get_or_create(
        name=NATIONAL_NAME,
        defaults={
            "kind": "statutory_retirement",
            "is_default": True,
            "description": "全国人大常委会关于实施渐进式延迟法定退休年龄的决定（2025年1月1日起施行）。"
            "自起始出生年月起，每N个月出生延迟1个月（首个区间即延迟1个月），至上限为止。",
        },
    )
    if created:
        AgeLimit.objects.create(
            rule_set=national, sex="1", age_years=60,
            raise_from=dt.date(1965, 1, 1), raise_every_months=4, raise_cap_months=36,
        )
        AgeLimit.objects.create(
            rule_set=national, sex="2", age_years=55,
            raise_from=dt.date(1970, 1, 1), raise_every_months=4, raise_cap_months=36,
        )
        AgeLimit.objects.create(
            rule_set=national, sex="2", group=WOMEN_WORKERS_50, age_years=50,
            raise_from=dt.date(1975, 1, 1), raise_every_months=2, raise_cap_months=60,
        )
    for title in PRINCIPAL_TITLES:
        PrincipalTitle.objects.get_or_create(title=title)


def remove_defaults(apps, schema_editor):
    apps.get_model("plans", "AgeLimitRuleSet").objects.filter(
        name__in=[LOCAL_NAME, NATIONAL_NAME]
    ).delete()
    apps.get_model("plans", "PrincipalTitle").objects.filter(title__in=PRINCIPAL_TITLES).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_age_limits_and_plan_targets")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
