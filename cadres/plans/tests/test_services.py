import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cadres.audit.models import AuditAction, AuditEvent
from cadres.plans.models import AgeLimit, PlanTarget
from cadres.plans.services import age_limit_update, target_create, target_delete, target_update
from cadres.plans.tests.factories import NATIONAL_RULE_SET, make_unit

pytestmark = pytest.mark.django_db

PLAN = "2007–2011年领导班子建设规划"


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(username="officer", password="x")


def women_target(officer, **overrides):
    values = {
        "actor": officer, "plan_name": PLAN, "scope": PlanTarget.Scope.SUBTREE,
        "unit": make_unit("温州市"), "ranks": ["0131", "0132"], "team_members_only": False,
        "measure": PlanTarget.Measure.WOMEN, "threshold_kind": PlanTarget.ThresholdKind.PERCENT,
        "threshold": Decimal("15"),
    }
    values.update(overrides)
    return target_create(**values)


def test_target_create_saves_and_audits(officer):
    # when
    target = women_target(officer)

    # then
    assert str(target) == f"{PLAN}：温州市正县级、副县级干部女干部不少于15%"
    event = AuditEvent.objects.get(action=AuditAction.PLAN_TARGET_CREATED)
    assert (event.actor, event.target_id) == (officer, str(target.pk))
    assert event.changes["unit"] == "温州市"
    assert event.changes["threshold"] == "15"
    assert event.changes["ranks"] == ["0131", "0132"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unit": None}, "unit"),
        ({"scope": PlanTarget.Scope.EACH_TEAM, "unit": None, "unit_type": ""}, "unit_type"),
        ({"measure": PlanTarget.Measure.AGE_AT_MOST, "age": None}, "age"),
        ({"threshold": Decimal("120")}, "threshold"),
        ({"threshold_kind": PlanTarget.ThresholdKind.COUNT, "threshold": Decimal("1.5")}, "threshold"),
        ({"ranks": ["9999"]}, "ranks"),
    ],
)
def test_target_create_rejects_an_incomplete_target(officer, overrides, field):
    with pytest.raises(ValidationError) as raised:
        women_target(officer, **overrides)

    assert field in raised.value.message_dict
    assert not PlanTarget.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_TARGET_CREATED).exists()


def test_target_update_audits_old_and_new_values(officer):
    # given
    target = women_target(officer)

    # when
    target_update(actor=officer, target=target, threshold=Decimal("20"), sort_order=2)

    # then
    target.refresh_from_db()
    assert target.threshold == Decimal("20")
    event = AuditEvent.objects.get(action=AuditAction.PLAN_TARGET_UPDATED)
    assert event.changes == {"threshold": ["15", "20"], "sort_order": [0, 2]}


def test_target_update_without_a_change_records_nothing(officer):
    target = women_target(officer)

    target_update(actor=officer, target=target, threshold=Decimal("15"))

    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_TARGET_UPDATED).exists()


def test_target_delete_keeps_what_it_was_in_the_audit_record(officer):
    target = women_target(officer)
    pk = target.pk

    target_delete(actor=officer, target=target)

    assert not PlanTarget.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.PLAN_TARGET_DELETED)
    assert event.target_id == str(pk)
    assert event.target_label == f"{PLAN}：温州市正县级、副县级干部女干部不少于15%"
    assert event.changes["measure"] == "women"


def test_age_limit_update_changes_the_reform_and_audits(officer):
    # given
    men = AgeLimit.objects.get(rule_set__name=NATIONAL_RULE_SET, sex="1")

    # when
    age_limit_update(actor=officer, limit=men, raise_every_months=2,
                     raise_from=dt.date(1965, 1, 15))

    # then: the start month is kept as its 1st
    men.refresh_from_db()
    assert (men.raise_every_months, men.raise_from) == (2, dt.date(1965, 1, 1))
    event = AuditEvent.objects.get(action=AuditAction.AGE_LIMIT_UPDATED)
    assert event.changes == {"raise_every_months": [4, 2]}
    assert event.target_label.startswith(NATIONAL_RULE_SET)


def test_age_limit_update_rejects_half_a_reform(officer):
    men = AgeLimit.objects.get(rule_set__name=NATIONAL_RULE_SET, sex="1")

    with pytest.raises(ValidationError):
        age_limit_update(actor=officer, limit=men, raise_cap_months=None)

    men.refresh_from_db()
    assert men.raise_cap_months == 36
