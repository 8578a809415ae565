"""Every write of the plans app: plan targets and age limits, each audited."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from cadres.audit.models import AuditAction
from cadres.audit.services import record
from cadres.plans.models import AgeLimit, PlanTarget

TARGET_FIELDS = (
    "plan_name", "scope", "unit", "unit_type", "ranks", "team_members_only", "measure", "age",
    "threshold_kind", "threshold", "sort_order",
)
AGE_LIMIT_FIELDS = (
    "age_years", "extra_months", "raise_from", "raise_every_months", "raise_cap_months",
)


def _snapshot(instance: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if hasattr(value, "path"):
            value = value.path
        elif isinstance(value, Decimal):
            value = f"{value.normalize():f}"
        elif value is not None and not isinstance(value, (bool, int, str, list)):
            value = str(value)
        values[name] = value
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [before[name], after[name]] for name in after if before[name] != after[name]}


@transaction.atomic
def target_create(
    *,
    actor: Any,
    plan_name: str,
    scope: str,
    measure: str,
    threshold_kind: str,
    threshold: Any,
    unit: Any = None,
    unit_type: str = "",
    ranks: list[str] | None = None,
    team_members_only: bool = True,
    age: int | None = None,
    sort_order: int = 0,
) -> PlanTarget:
    """Add a target to a plan."""
    target = PlanTarget(
        plan_name=plan_name, scope=scope, unit=unit, unit_type=unit_type, ranks=list(ranks or []),
        team_members_only=team_members_only, measure=measure, age=age,
        threshold_kind=threshold_kind, threshold=threshold, sort_order=sort_order,
    )
    target.full_clean()
    target.save()
    record(actor=actor, action=AuditAction.PLAN_TARGET_CREATED, target=target,
           changes=_snapshot(target, TARGET_FIELDS))
    return target


@transaction.atomic
def target_update(*, actor: Any, target: PlanTarget, **values: Any) -> PlanTarget:
    """Change a target's fields (any of TARGET_FIELDS); audits the old and new values."""
    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    target = PlanTarget.objects.select_for_update().get(pk=target.pk)
    before = _snapshot(target, TARGET_FIELDS)
    for name, value in values.items():
        setattr(target, name, list(value) if name == "ranks" else value)
    target.full_clean()
    after = _snapshot(target, TARGET_FIELDS)
    changes = _diff(before, after)
    if changes:
        target.save()
        record(actor=actor, action=AuditAction.PLAN_TARGET_UPDATED, target=target, changes=changes)
    return target


@transaction.atomic
def target_delete(*, actor: Any, target: PlanTarget) -> None:
    """Remove a target; the audit record keeps what it was."""
    snapshot = _snapshot(target, TARGET_FIELDS)
    label = str(target)
    record(actor=actor, action=AuditAction.PLAN_TARGET_DELETED, target=target,
           target_label=label, changes=snapshot)
    target.delete()


@transaction.atomic
def age_limit_update(*, actor: Any, limit: AgeLimit, **values: Any) -> AgeLimit:
    """Change an age limit (age, extra months, the reform's raise); audits old and new values."""
    unknown = set(values) - set(AGE_LIMIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    limit = AgeLimit.objects.select_for_update().select_related("rule_set").get(pk=limit.pk)
    before = _snapshot(limit, AGE_LIMIT_FIELDS)
    for name, value in values.items():
        setattr(limit, name, value)
    limit.full_clean()
    after = _snapshot(limit, AGE_LIMIT_FIELDS)
    changes = _diff(before, after)
    if changes:
        limit.save()
        record(actor=actor, action=AuditAction.AGE_LIMIT_UPDATED, target=limit,
               target_label=f"{limit.rule_set.name}：{limit}", changes=changes)
    return limit
