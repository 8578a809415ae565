"""The demo county's plan: the example targets of the source documents, so the gap page has
something to show (a 2007–2011 leadership-team plan, re-dated)."""

from typing import Any

from cadres.org.models import Unit
from cadres.plans.models import PlanTarget
from cadres.plans.services import target_create

DEMO_PLAN = "2026—2030年领导班子建设规划（演示）"
COUNTY_LEVEL_RANKS = ["0131", "0132"]


def demo_targets_load(*, actor: Any, county: Unit) -> list[PlanTarget]:
    """Targets for each county and township team, and for all county-level leaders."""
    each_team, subtree = PlanTarget.Scope.EACH_TEAM, PlanTarget.Scope.SUBTREE
    count, share = PlanTarget.ThresholdKind.COUNT, PlanTarget.ThresholdKind.PERCENT
    measure = PlanTarget.Measure
    targets: list[dict[str, Any]] = [
        # 县(市、区)党政领导班子: 40岁以下的干部各有2名，其中35岁以下的至少1名; 至少1名女干部.
        {"scope": each_team, "unit_type": county.unit_type, "measure": measure.AGE_AT_MOST, "age": 40,
             "threshold_kind": count, "threshold": 2},
        {"scope": each_team, "unit_type": county.unit_type, "measure": measure.AGE_AT_MOST, "age": 35,
             "threshold_kind": count, "threshold": 1},
        {"scope": each_team, "unit_type": county.unit_type, "measure": measure.WOMEN,
             "threshold_kind": count, "threshold": 1},
        # 乡镇领导班子: 至少1名女干部, 至少1名35岁以下干部.
        {"scope": each_team, "unit_type": "乡镇", "measure": measure.WOMEN,
             "threshold_kind": count, "threshold": 1},
        {"scope": each_team, "unit_type": "乡镇", "measure": measure.AGE_AT_MOST, "age": 35,
             "threshold_kind": count, "threshold": 1},
        # 县级领导干部: 女干部15%以上, 党外10%, 少数民族2%, 大学以上70%, 研究生15%.
        *(
            {"scope": subtree, "unit": county, "ranks": COUNTY_LEVEL_RANKS, "team_members_only": False,
                 "measure": kind, "threshold_kind": share, "threshold": percent}
            for kind, percent in (
                (measure.WOMEN, 15), (measure.NON_PARTY, 10), (measure.MINORITY, 2),
                (measure.BACHELOR_OR_ABOVE, 70), (measure.POSTGRADUATE_OR_MASTER, 15),
            )
        ),
    ]
    return [
        target_create(actor=actor, plan_name=DEMO_PLAN, sort_order=order, **values)
        for order, values in enumerate(targets, start=1)
    ]
