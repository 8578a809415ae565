"""The default roles as they stand after the migrations (0003 created them, 0005 gave them
permission codes, 0007 the ballot codes, cases 0002 the case codes): used to recreate them
where a test flushed the database, and the table the README documents. A deployment edits its
roles on the 角色 pages; this is not read at runtime.
"""

from typing import Any

RECORDS = ["people.view", "people.change", "people.import", "people.export", "org.view"]
ANALYSIS = ["analytics.view", "plans.view"]
OFFICER = [*RECORDS, *ANALYSIS, "people.view_sensitive", "people.export_sensitive",
           "org.change", "plans.change"]
# Secret ballots (cadres.ballots): the cadre office runs the votes and counts them with the
# supervision office as scrutineers; leaders read released results.
# Selection procedure (cadres.cases; migration cases 0002 added them): the cadre office runs
# cases and sets their rules, the supervision office handles comments on 公示, leaders read.
CASE_CODES = {
    "cadre_office": ["cases.view", "cases.manage", "cases.rules"],
    "supervision": ["cases.view", "cases.comments"],
    "leader": ["cases.view"],
}
# Assessment, reserves, warnings and the personal-matters register (cadres.assessments /
# reserves / alerts / supervision, each migration 0002).
LATER_CODES = {
    "cadre_office": ["assessments.view", "assessments.manage", "reserves.view", "reserves.manage",
                     "alerts.view", "alerts.exchange", "supervision.view"],
    "supervision": ["assessments.view", "reserves.view", "alerts.view", "supervision.view", "supervision.manage"],
    "leader": ["assessments.view", "reserves.view", "alerts.view", "supervision.view"],
}
BALLOT_CODES = {
    "cadre_office": ["ballots.manage", "ballots.scrutinize", "ballots.view"],
    "supervision": ["ballots.scrutinize", "ballots.view"],
    "leader": ["ballots.view"],
}

# code, name, description, permission codes, role attributes
DEFAULT_ROLES: list[tuple[str, str, str, list[str], dict[str, bool]]] = [
    ("admin", "系统管理员", "管理用户、角色和授权，查阅审计记录",
     [*RECORDS, *ANALYSIS, "org.change", "plans.change", "audit.view", "audit.export",
      "accounts.manage"],
     {"all_units": True, "requires_two_factor": True}),
    ("cadre_office", "干部科", "管理范围内干部的信息、分析和选拔任用",
     [*OFFICER, *BALLOT_CODES["cadre_office"], *CASE_CODES["cadre_office"],
      *LATER_CODES["cadre_office"]],
     {"requires_two_factor": True}),
    ("supervision", "干部监督科", "干部监督、12380举报受理，查阅审计记录",
     [*OFFICER, "reports.view", "audit.view", "audit.export", *BALLOT_CODES["supervision"],
      *CASE_CODES["supervision"], *LATER_CODES["supervision"]],
     {"requires_two_factor": True}),
    ("unit_clerk", "单位信息员", "维护本单位干部信息", RECORDS, {}),
    ("leader", "领导", "查看分析和规划（只读）",
     [*ANALYSIS, *BALLOT_CODES["leader"], *CASE_CODES["leader"], *LATER_CODES["leader"]], {}),
    ("committee", "委员", "参加票决", [], {}),
    ("inspection", "考察组成员", "查看考察对象信息（按考察任务授权）",
     ["people.view", "people.export", "org.view"], {}),
]


def default_roles_create(role_model: Any) -> None:
    """Create (or reset) the default roles on the given Role model."""
    for order, (code, name, description, codes, attributes) in enumerate(DEFAULT_ROLES, 1):
        role_model.objects.update_or_create(code=code, defaults={
            "name": name, "description": description, "sort_order": order,
            "permissions": sorted(set(codes)), "all_units": False, "requires_two_factor": False,
            **attributes,
        })
