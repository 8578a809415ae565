"""任职回避 第四条 (RULES.md §2) as a `SelectionRule` row: a leader whose spouse, children or
children's spouses run a business in an industry his unit regulates or is in charge of."""

from django.db import migrations

RULES = [
    ("business_avoidance", "经商办企业回避",
     "领导干部的配偶、子女及其配偶经商办企业的，该领导干部不得在其经商办企业所属行业的主管部门或者监管部门担任领导职务。",
     "《党政领导干部任职回避暂行规定》(2006) 第四条",
     {"relations": ["配偶", "妻子", "丈夫", "儿子", "女儿", "儿媳", "女婿"]}),
]


def add_defaults(apps, schema_editor):
    SelectionRule = apps.get_model("cases", "SelectionRule")
    for code, name, text, source, params in RULES:
        SelectionRule.objects.get_or_create(code=code, effective_from=None, defaults={
            "name": name, "text": text, "source": source, "params": params})


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_notice_nominees_comment_client_key")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
