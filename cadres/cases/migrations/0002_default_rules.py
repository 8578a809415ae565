"""The default transition table and rules (RULES.md §1, §2, §5 with their numbers): data a
deployment changes on the 规则 page, not code. Kept here as they stood when written, so later
changes of cadres.cases.defaults do not rewrite history."""

from django.db import migrations

FULL = ["proposal", "recommendation", "candidates", "inspection", "decision", "publicity",
        "appointment", "probation"]
# 公开选拔 and 竞争上岗: registration, review and the scores stand in for 民主推荐.
COMPETITION = ["proposal", "candidates", "inspection", "decision", "publicity", "appointment",
               "probation"]
FLOWS = {"individual": FULL, "general": FULL, "open": COMPETITION, "competitive": COMPETITION}

RULES = [
    # code, name, text, source, params
    ("publicity_days", "任前公示期限",
     "任前公示期限不少于5个工作日。", "《党政领导干部选拔任用工作条例》(2019) 第四十二条",
     {"working_days": 5}),
    ("decision_quorum", "讨论决定的到会人数",
     "党委（党组）讨论决定干部任免事项，必须有三分之二以上成员到会。",
     "《党政领导干部选拔任用工作条例》(2019) 第三十五条", {"numerator": 2, "denominator": 3}),
    ("decision_pass", "讨论决定的通过",
     "以应到会成员超过半数同意形成决定。", "《党政领导干部选拔任用工作条例》(2019) 第三十五条",
     {"numerator": 1, "denominator": 2}),
    ("recommendation_valid", "推荐结果有效期",
     "民主推荐结果在一年内有效；定向推荐仅对该职位有效。", "中组部 12371 问答", {"months": 12}),
    ("years_in_lower_post", "下一级职位任职年限",
     "职务层次较低的干部提任副职须在下级正职岗位工作三年以上；由副职提任正职须在副职岗位工作两年以上。",
     "《党政领导干部选拔任用工作条例》(2019) 第八条", {"deputy_to_principal": 2, "lower_principal_to_deputy": 3}),
    ("working_years", "工作年限",
     "提任县处级领导职务的，应当具有五年以上工龄和两年以上基层工作经历。",
     "《党政领导干部选拔任用工作条例》(2019) 第八条", {"years": 5, "grassroots_years": 2,
                                                     "ranks": ["0131", "0132"]}),
    ("education", "学历",
     "应当具有大学专科以上文化程度，其中提任厅局级以上领导职务的，一般应当具有大学本科以上文化程度。",
     "《党政领导干部选拔任用工作条例》(2019) 第八条",
     {"minimum": "30", "by_rank": {"0121": "20", "0122": "20", "0111": "20", "0112": "20"}}),
    ("training", "培训",
     "应当经过党校（行政学院）、干部学院或者组织（人事）部门认可的其他培训机构的培训，培训时间应当达到干部教育培训的有关规定要求；确因特殊情况在提任前未达到培训要求的，应当在提任后一年内完成培训。",
     "《党政领导干部选拔任用工作条例》(2019) 第八条", {"months_after": 12}),
    ("assessment_record", "年度考核",
     "近三年年度考核结果中有基本称职以下等次的，不得列为考察对象。",
     "《党政领导干部选拔任用工作条例》(2019) 第二十四条", {"years": 3, "grades": ["基本称职", "不称职"]}),
    ("sanction_in_effect", "处分影响期",
     "受到诫勉、组织处理或者党纪政务处分等影响期未满或者期满影响使用的，不得列为考察对象。",
     "《党政领导干部选拔任用工作条例》(2019) 第二十四条", {}),
    ("personal_matters", "个人有关事项",
     "个人有关事项报告查核发现瞒报、漏报情节严重的，不得列为考察对象。",
     "《党政领导干部选拔任用工作条例》(2019) 第二十四条；《领导干部报告个人有关事项规定》", {}),
    ("competitive_candidates", "差额考察",
     "考察对象一般应当多于拟任职务人数（差额考察）；换届必须差额，个别提拔意见集中的可以等额，须说明理由。",
     "《党政领导干部选拔任用工作条例》(2019) 第二十三条", {"required_for": ["general"]}),
    ("four_musts", "凡提四必",
     "档案必审、个人有关事项报告必核、纪检监察机关意见必听、线索具体的信访举报必查，完成后方可提交讨论决定。",
     "《党政领导干部选拔任用工作条例》(2019) 第三十一条",
     {"kinds": ["dossier", "personal_matters", "discipline", "petitions"]}),
    ("suspension", "暂缓任用期限",
     "公示中反映的问题一时难以查实的，暂缓任用，期限一般不超过三个月。",
     "中组部《关于推行党政领导干部任前公示制度的意见》", {"months": 3}),
    ("probation", "试用期",
     "提拔担任党委、人大常委会、政府、政协工作部门副职和内设机构领导职务等非选举产生的职务，试用期为一年；试用期满胜任的正式任职，不胜任的免去试任职务，按试任前职级安排工作。",
     "《党政领导干部选拔任用工作条例》(2019) 第四十三条", {"months": 12}),
    ("age_limit", "任职年龄",
     "任职时未达到任职年龄界限或退休年龄。", "能上能下规定；本地任职年龄界限", {}),
    ("post_quota", "领导职数",
     "不得超职数配备领导干部。", "《党政领导干部选拔任用工作条例》(2019) 第六十三条", {}),
    ("avoidance", "任职回避",
     "有夫妻关系、直系血亲关系、三代以内旁系血亲以及近姻亲关系的，不得在同一机关担任双方直接隶属于同一领导人员的职务或者有直接上下级领导关系的职务，也不得在其中一方担任领导职务的机关从事组织人事、纪检监察、审计、财务工作。",
     "《党政领导干部任职回避暂行规定》(2006) 第三条",
     {"relations": ["配偶", "妻子", "丈夫", "父亲", "母亲", "儿子", "女儿", "祖父", "祖母", "外祖父", "外祖母",
                    "孙子", "孙女", "外孙", "外孙女", "哥哥", "姐姐", "弟弟", "妹妹", "伯父", "叔父", "姑母",
                    "舅父", "姨母", "堂兄", "堂弟", "堂姐", "堂妹", "表兄", "表弟", "表姐", "表妹", "侄子", "侄女",
                    "外甥", "外甥女", "岳父", "岳母", "公公", "婆婆", "儿媳", "女婿"],
      "sensitive_offices": ["组织", "人事", "纪检", "监察", "纪委", "审计", "财务"]}),
    ("exceptional", "破格提拔",
     "破格提拔须有理由并按规定报批；试用期未满或者提拔任职不满一年的，不得破格提拔；不得在任职年限上连续破格；不得越两级提拔。",
     "《党政领导干部选拔任用工作条例》(2019) 第九条", {"min_months_since_promotion": 12}),
]


def add_defaults(apps, schema_editor):
    StepTransition = apps.get_model("cases", "StepTransition")
    SelectionRule = apps.get_model("cases", "SelectionRule")
    for kind, steps in FLOWS.items():
        for from_step, to_step in zip(["", *steps], steps):
            StepTransition.objects.get_or_create(case_kind=kind, from_step=from_step, to_step=to_step)
        # A post without 试用期 completes at 任职: 试用期 is optional.
    for code, name, text, source, params in RULES:
        SelectionRule.objects.get_or_create(code=code, effective_from=None, defaults={
            "name": name, "text": text, "source": source, "params": params,
        })


def add_role_codes(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    codes = {
        "cadre_office": ["cases.view", "cases.manage", "cases.rules"],
        "supervision": ["cases.view", "cases.comments"],
        "leader": ["cases.view"],
    }
    for role in Role.objects.filter(code__in=codes):
        role.permissions = sorted(set(role.permissions) | set(codes[role.code]))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases"), ("accounts", "0007_default_roles_ballot_codes")]
    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunPython(add_role_codes, migrations.RunPython.noop),
    ]
