import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from cadres.accounts.selectors import SYSTEM_READER, user_for_command
from cadres.core import codes
from cadres.org.models import Unit
from cadres.plans.models import AgeLimitRuleSet
from cadres.plans.selectors import age_limit_forecast, rule_set_default


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from error


def _limit(text: str) -> tuple[str, int]:
    name, _, age = text.partition("=")
    rank = codes.code_for("rank", name.strip())
    if rank is None or not age.strip().isdigit():
        raise CommandError(f"年龄界限应写作 职务层次=年龄，如 正县级=57：{text}")
    return rank, int(age)


class Command(BaseCommand):
    help = "年龄到杠预测：截止日期之后、预测截止日（含）之前到杠的人数、比例、年份分布和名单"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="截止日期，如 2006-09-30")
        parser.add_argument("--until", required=True, help="预测到该日（含），如 2011-12-31")
        parser.add_argument("--limit", action="append", default=[],
                            help="职务层次=年龄，可重复，如 --limit 正县级=57 --limit 副县级=56")
        parser.add_argument("--rule-set", help="年龄界限规则名称（不给 --limit 时默认为任职年龄界限的默认规则）")
        parser.add_argument("--group", default="", help="规则中的适用人群（默认为干部）")
        parser.add_argument("--unit", help="单位全称，如 平阳县/县卫生局（含下属单位）")
        parser.add_argument("--team-members-only", action="store_true", help="仅班子成员")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--user", help="以该用户的可见范围统计（默认：全部）")

    def handle(self, *args, **options):
        as_of, until = _date(options["as_of"]), _date(options["until"])
        if until < as_of:
            raise CommandError("预测截止日不能早于截止日期")
        if options["limit"] and options["rule_set"]:
            raise CommandError("--limit 与 --rule-set 只能用一个")
        if options["limit"]:
            limits = dict(_limit(text) for text in options["limit"])
        elif options["rule_set"]:
            limits = AgeLimitRuleSet.objects.filter(name=options["rule_set"]).first()
            if limits is None:
                raise CommandError(f"没有该年龄界限规则：{options['rule_set']}")
        else:
            limits = rule_set_default()
            if limits is None:
                raise CommandError("没有年龄界限规则，请用 --limit 给出")
        actor = user_for_command(options["user"]) if options["user"] else SYSTEM_READER
        unit = None
        if options["unit"]:
            # Only a unit the user may see: another one reads as unknown, as on the page.
            unit = Unit.objects.visible_to(actor).filter(path=options["unit"]).first()
            if unit is None:
                raise CommandError(f"没有该单位：{options['unit']}")
        result = age_limit_forecast(
            actor=actor, as_of=as_of, until=until, limits=limits, unit=unit,
            team_members_only=options["team_members_only"], group=options["group"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"截至{as_of:%Y-%m-%d}，到{until:%Y-%m-%d}将有{result['reaching']}人年龄到杠，"
            f"占{result['total']}人的{result['share']:.2f}%；"
            f"其中女干部{result['women']}人、党外干部{result['non_party']}人、"
            f"少数民族干部{result['minority']}人。已到杠{result['already_reached']}人。"
        )
        for year, count in result["by_year"].items():
            self.stdout.write(f"  {year}年：{count}人")
        for person in result["people"]:
            self.stdout.write(
                f"  {person['limit_month']}  {person['name']}  {person['unit']}  "
                f"{person['rank']}  {person['birth_month']}"
            )
