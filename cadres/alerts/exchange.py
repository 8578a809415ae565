"""Exchange plans (交流方案) as a what-if: the services that write a plan and its moves, the
preview of every affected team before and after, and the commit through the post services.

The preview, on the plan's effective date, for every team that loses or gains a member (a
mover whose post of record then is a team post there; a move into a team post): the members
before and after and their structure (team_effect.structure: 平均年龄, age bands, 女, 少数民族,
党外, 大学以上), the plan targets over that team (team_effect.targets_for / target_result;
pooled targets over the unit's subtree), 领导职数 before and after (org.selectors.team_quota_on,
正职 by the principal titles), the local rule that one round moves at most a share of a team
(`exchange_share`, params numerator / denominator, default 1/3: the larger of the members
leaving and arriving against the members before), and every avoidance conflict and tenure
finding the plan creates or removes — alerts.avoidance and alerts.tenure run on the movers
twice, as things are and with each mover's new main post as an override.

A plan is committed as a whole (one transaction; each move an `org.services.post_start` of a
new main post from the effective date, source 选拔任用, the plan's 文号), and refused while it
creates conflicts unless a reason is given; each move is audited with its person as subject.
"""

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cadres.accounts.permissions import has_permission
from cadres.alerts.actions import AlertAction
from cadres.alerts.avoidance import Post, avoidance_findings
from cadres.alerts.findings import Finding
from cadres.alerts.models import ExchangeMove, ExchangePlan, PlanStatus
from cadres.alerts.tenure import NewPost, tenure_findings
from cadres.analytics.selectors import DEFAULT_AGE_BANDS, age_band_label
from cadres.audit.services import record
from cadres.cases.rules import params, rule
from cadres.cases.team_effect import FIGURES, structure, target_result, targets_for
from cadres.core.dates import age_on, format_day
from cadres.org.models import Unit
from cadres.org.selectors import TeamQuota, posts_of_record_on, team_quota_on, unit_exists_on
from cadres.people.models import Person
from cadres.plans.models import PlanTarget
from cadres.plans.selectors import Member, is_principal_title, principal_titles, teams_on

SHARE_RULE = "exchange_share"
# Used while no `exchange_share` row is seeded (the local practice of RULES.md §2).
SHARE_DEFAULT = {"numerator": 1, "denominator": 3}
SHARE_TEXT = "每轮交流一般不超过班子成员的三分之一（本地做法）。"


# --- reading plans -----------------------------------------------------------------------------


def plans_visible(user: Any) -> QuerySet[ExchangePlan]:
    """The plans the user may see: those with no move of a person or into a unit outside his
    view scope (the moves are few: read once, the scopes asked about their people and units)."""
    moves = list(ExchangeMove.objects.values_list("plan_id", "person_id", "to_unit_id"))
    people = set(Person.objects.restrict(user, "view").filter(pk__in={p for _, p, _ in moves})
                 .values_list("pk", flat=True))
    units = set(Unit.objects.restrict(user, "view").filter(pk__in={u for _, _, u in moves})
                .values_list("pk", flat=True))
    hidden = {plan for plan, person, unit in moves if person not in people or unit not in units}
    return ExchangePlan.objects.exclude(pk__in=sorted(hidden))


def plan_for(user: Any, pk: int) -> ExchangePlan:
    plan = plans_visible(user).filter(pk=pk).first()
    if plan is None:
        raise Http404("没有找到该交流方案")
    return plan


def plan_changeable(user: Any, plan: ExchangePlan) -> bool:
    """Whether every mover and every unit of the plan is in the user's 信息维护 scope."""
    moves = list(plan.moves.values_list("person_id", "to_unit_id"))
    people = set(Person.objects.restrict(user, "change").filter(pk__in=[p for p, _ in moves])
                 .values_list("pk", flat=True))
    units = set(Unit.objects.restrict(user, "change").filter(pk__in=[u for _, u in moves])
                .values_list("pk", flat=True))
    return all(p in people and u in units for p, u in moves)


def _moves(plan: ExchangePlan) -> list[ExchangeMove]:
    return list(plan.moves.select_related("person", "person__unit", "to_unit").order_by("position", "id"))


# --- writing plans -----------------------------------------------------------------------------


def _draft(plan: ExchangePlan, actor: Any = None) -> ExchangePlan:
    """The plan's row locked, still a draft, and — under the lock, so no one adds a move in
    between — every mover and unit in the actor's 信息维护 scope (None, the system, may)."""
    locked = ExchangePlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise ValidationError("该交流方案已%(status)s，不能再修改", params={"status": locked.get_status_display()})
    if actor is not None and not (has_permission(actor, "alerts.exchange") and plan_changeable(actor, locked)):
        raise PermissionDenied("该交流方案涉及您信息维护范围以外的干部或单位")
    return locked


@transaction.atomic
def plan_create(*, actor: Any, title: str, effective_on: dt.date, notes: str = "",
                document: str = "") -> ExchangePlan:
    plan = ExchangePlan(title=title.strip(), effective_on=effective_on, notes=notes, document=document.strip(),
                        created_by=actor if getattr(actor, "pk", None) else None)
    plan.full_clean()
    plan.save()
    record(actor=actor, action=AlertAction.PLAN_CREATED, target=plan, target_label=plan.title,
           changes={"title": [None, plan.title], "effective_on": [None, effective_on],
                    "document": [None, plan.document]})
    return plan


@transaction.atomic
def move_add(*, actor: Any, plan: ExchangePlan, person: Person, to_unit: Unit, to_title: str, to_rank: str,
             is_team_member: bool = True) -> ExchangeMove:
    """Add one person's move to a draft plan: a new main post in `to_unit`."""
    plan = _draft(plan, actor)
    if actor is not None and not (Person.objects.restrict(actor, "change").filter(pk=person.pk).exists()
                                  and Unit.objects.restrict(actor, "change").filter(pk=to_unit.pk).exists()):
        raise PermissionDenied("该干部或单位不在您的信息维护范围内")
    if plan.moves.filter(person=person).exists():
        raise ValidationError({"person": f"{person.name}已在本方案中"})
    if not unit_exists_on(to_unit, plan.effective_on):
        raise ValidationError({"to_unit": f"{to_unit.name}在{format_day(plan.effective_on)}不存在"})
    position = (plan.moves.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    move = ExchangeMove(plan=plan, person=person, to_unit=to_unit, to_title=to_title.strip(), to_rank=to_rank,
                        is_team_member=is_team_member, position=position)
    move.full_clean()
    try:
        with transaction.atomic():
            move.save()
    except IntegrityError as error:
        raise ValidationError({"person": f"{person.name}已在本方案中"}) from error
    record(actor=actor, action=AlertAction.PLAN_UPDATED, target=plan, target_label=plan.title, subject=person,
           changes={"move": [None, f"{person.name} → {to_unit.name}{move.to_title}"]})
    return move


@transaction.atomic
def move_remove(*, actor: Any, move: ExchangeMove) -> None:
    plan = _draft(move.plan, actor)
    person, text = move.person, f"{move.person.name} → {move.to_unit.name}{move.to_title}"
    move.delete()
    record(actor=actor, action=AlertAction.PLAN_UPDATED, target=plan, target_label=plan.title, subject=person,
           changes={"move": [text, None]})


@transaction.atomic
def plan_discard(*, actor: Any, plan: ExchangePlan, reason: str = "") -> ExchangePlan:
    plan = _draft(plan, actor)
    plan.status = PlanStatus.DISCARDED
    plan.save(update_fields=["status"])
    changes: dict[str, Any] = {"status": [PlanStatus.DRAFT.value, PlanStatus.DISCARDED.value]}
    if reason:
        changes["reason"] = reason
    record(actor=actor, action=AlertAction.PLAN_DISCARDED, target=plan, target_label=plan.title, changes=changes)
    return plan


@transaction.atomic
def plan_commit(*, actor: Any, plan: ExchangePlan, force_reason: str = "", document: str | None = None,
                preview_actor: Any = None) -> ExchangePlan:
    """Carry out every move of a draft plan in one transaction (post_start, source 选拔任用, the
    plan's 文号), on the effective date. Refused while the preview shows blockers (conflicts the
    plan creates, a team over the share rule or over its 领导职数) unless `force_reason` says why."""
    from cadres.org.models import PostSource
    from cadres.org.services import post_start

    plan = _draft(plan, actor)
    moves = _moves(plan)
    if not moves:
        raise ValidationError("该交流方案还没有交流人选")
    if document is not None:
        plan.document = document.strip()
    preview = plan_preview(plan, actor=preview_actor if preview_actor is not None else actor)
    reason = force_reason.strip()
    if preview.blockers and not reason:
        raise ValidationError({"force_reason": "该方案存在以下问题：" + "；".join(preview.blockers)
                               + "。确需实施的，请填写理由"})
    for move in moves:
        post_start(actor=actor, person=move.person, unit=move.to_unit, title=move.to_title, rank=move.to_rank,
                   is_team_member=move.is_team_member, started_on=plan.effective_on, is_main=True,
                   document=plan.document, source=PostSource.PROCEDURE)
    plan.status = PlanStatus.COMMITTED
    plan.committed_at = timezone.now()
    plan.save(update_fields=["status", "committed_at", "document"])
    for move in moves:
        changes: dict[str, Any] = {"move": [None, f"{move.person.name} → {move.to_unit.name}{move.to_title}"],
                                   "effective_on": [None, plan.effective_on], "document": plan.document}
        if preview.blockers:
            changes["blockers"] = preview.blockers
            changes["reason"] = reason
        record(actor=actor, action=AlertAction.PLAN_COMMITTED, target=plan, target_label=plan.title,
               subject=move.person, changes=changes)
    return plan


# --- the preview -------------------------------------------------------------------------------


@dataclass
class TeamPreview:
    unit: Unit
    leaving: list[str]
    arriving: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    rows: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    quota_before: TeamQuota
    quota_after: TeamQuota
    share_limit: int | None
    share_text: str

    @property
    def changed(self) -> int:
        return max(len(self.leaving), len(self.arriving))

    @property
    def share_exceeded(self) -> bool:
        return self.share_limit is not None and self.changed > self.share_limit

    @property
    def quota_worse(self) -> bool:
        return self.quota_after.over > self.quota_before.over


@dataclass
class Preview:
    plan: ExchangePlan
    on: dt.date
    teams: list[TeamPreview] = field(default_factory=list)
    conflicts_created: list[Finding] = field(default_factory=list)
    conflicts_removed: list[Finding] = field(default_factory=list)
    conflicts_remaining: list[Finding] = field(default_factory=list)
    tenure_created: list[Finding] = field(default_factory=list)
    tenure_removed: list[Finding] = field(default_factory=list)
    rule_texts: dict[str, str] = field(default_factory=dict)

    @property
    def blockers(self) -> list[str]:
        found = [f"新增回避情形：{finding.message}" for finding in self.conflicts_created]
        found += [f"{team.unit.name}{team.share_text}" for team in self.teams if team.share_exceeded]
        found += [f"{team.unit.name}调整后超职数{team.quota_after.over}名" for team in self.teams if team.quota_worse]
        return found


def _share(on: dt.date) -> tuple[int, int, str]:
    numbers = params(SHARE_RULE, on) if rule(SHARE_RULE, on) is not None else SHARE_DEFAULT
    numerator = int(numbers.get("numerator", 1))
    denominator = int(numbers.get("denominator", 3)) or 1
    return numerator, denominator, f"{numerator}/{denominator}"


def _arrival(person: Person, move: ExchangeMove, on: dt.date, titles: frozenset[str]) -> Member:
    return Member(person.pk, person.name, person.sex, person.birth_date, person.political_status,
                  person.ethnicity, person.highest_education, person.full_time_degree, person.in_service_degree,
                  move.to_rank, age_on(person.birth_date, on), move.to_title,
                  is_principal_title(move.to_title, titles, move.to_unit.name))


def _within(inner: Unit, outer: Unit) -> bool:
    return inner.pk == outer.pk or inner.path.startswith(outer.subtree_prefix)


def _diff(before: list[Finding], after: list[Finding]) -> tuple[list[Finding], list[Finding], list[Finding]]:
    old, new = {f.key: f for f in before}, {f.key: f for f in after}
    return ([f for k, f in new.items() if k not in old], [f for k, f in old.items() if k not in new],
            [f for k, f in new.items() if k in old])


def plan_preview(plan: ExchangePlan, *, actor: Any) -> Preview:
    """Every affected team before → after on the plan's effective date, with the conflicts and
    tenure findings the plan creates or removes (see the module docstring). Team figures count
    the people the actor may see."""
    on = plan.effective_on
    moves = _moves(plan)
    preview = Preview(plan=plan, on=on)
    if not moves:
        return preview
    titles = principal_titles()
    mover_ids = [move.person_id for move in moves]
    of_record = posts_of_record_on(as_of=on, people=mover_ids)
    from_units = Unit.objects.in_bulk({post.unit_id for post in of_record.values()})
    leaving_from = {pid: from_units[post.unit_id] for pid, post in of_record.items() if post.is_team_member}
    arriving_to = {move.person_id: move for move in moves if move.is_team_member}
    affected = {unit.pk: unit for unit in leaving_from.values()}
    affected.update({move.to_unit_id: move.to_unit for move in arriving_to.values()})
    numerator, denominator, share_text = _share(on)
    for unit in sorted(affected.values(), key=lambda u: (u.sort_key, u.path)):
        teams = teams_on(actor=actor, as_of=on, unit=unit)
        own = next((team.members for team in teams if team.unit.pk == unit.pk), [])
        pooled = list({member.person_id: member for team in teams for member in team.members}.values())
        arrivals = _arrivals_into(unit, arriving_to, on, titles, subtree=False)
        arrival_ids = {member.person_id for member in arrivals}
        leaving = [member for member in own
                   if leaving_from.get(member.person_id) == unit and member.person_id not in arrival_ids]
        gone = {member.person_id for member in leaving} | arrival_ids
        after = [member for member in own if member.person_id not in gone] + arrivals
        pooled_arrivals = _arrivals_into(unit, arriving_to, on, titles, subtree=True)
        pooled_gone = {member.person_id for member in pooled_arrivals} | {
            pid for pid, where in leaving_from.items() if _within(where, unit)}
        pooled_after = [member for member in pooled if member.person_id not in pooled_gone] + pooled_arrivals
        before_figures, after_figures = structure(own), structure(after)
        targets = []
        for target in targets_for(unit):
            is_pooled = target.scope == PlanTarget.Scope.SUBTREE
            targets.append({"label": str(target),
                            "before": target_result(target, pooled if is_pooled else own),
                            "after": target_result(target, pooled_after if is_pooled else after)})
        quota = team_quota_on(actor=actor, unit=unit, as_of=on)
        leaving_principals = sum(1 for member in leaving if member.is_principal)
        arriving_principals = sum(1 for member in arrivals if member.is_principal)
        quota_after = replace(quota, principals=quota.principals - leaving_principals + arriving_principals,
                              deputies=quota.deputies - (len(leaving) - leaving_principals)
                              + (len(arrivals) - arriving_principals))
        limit = math.floor(len(own) * numerator / denominator) if own else None
        preview.teams.append(TeamPreview(
            unit=unit, leaving=[member.name for member in leaving], arriving=[member.name for member in arrivals],
            before=before_figures, after=after_figures, rows=_rows(before_figures, after_figures), targets=targets,
            quota_before=quota, quota_after=quota_after, share_limit=limit,
            share_text=(f"本轮交流{max(len(leaving), len(arrivals))}名班子成员，"
                        f"班子{len(own)}人的{share_text}为{limit if limit is not None else 0}名"),
        ))
    overrides = {move.person_id: Post(move.person_id, move.to_unit_id, move.to_title, move.to_rank,
                                      move.is_team_member, True) for move in moves}
    created, removed, remaining = _diff(avoidance_findings(mover_ids, on),
                                        avoidance_findings(mover_ids, on, overrides=overrides))
    preview.conflicts_created, preview.conflicts_removed, preview.conflicts_remaining = created, removed, remaining
    new_posts = {move.person_id: NewPost(move.to_unit_id, move.to_unit.name, move.to_title, move.to_rank,
                                         move.is_team_member, on) for move in moves}
    t_created, t_removed, _ = _diff(tenure_findings(mover_ids, on), tenure_findings(mover_ids, on,
                                                                                    overrides=new_posts))
    preview.tenure_created, preview.tenure_removed = t_created, t_removed
    codes_used = {finding.rule_code for finding in [*created, *removed, *remaining, *t_created, *t_removed]}
    for code in sorted(codes_used | {SHARE_RULE}):
        found = rule(code, on)
        preview.rule_texts[code] = found.text if found is not None else SHARE_TEXT
    return preview


def _arrivals_into(unit: Unit, arriving_to: dict[int, ExchangeMove], on: dt.date, titles: frozenset[str], *,
                   subtree: bool) -> list[Member]:
    return [_arrival(move.person, move, on, titles) for move in arriving_to.values()
            if (move.to_unit_id == unit.pk or (subtree and _within(move.to_unit, unit)))]


def _rows(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The before → after table: headcount, average age, each figure, each age band."""
    rows: list[dict[str, Any]] = [
        {"label": "班子人数", "before": before["total"], "after": after["total"]},
        {"label": "平均年龄", "before": before["average_age"], "after": after["average_age"]},
    ]
    for key, label in FIGURES:
        b, a = before["figures"][key], after["figures"][key]
        rows.append({"label": label, "before": f"{b['count']}（{b['percent']}%）",
                     "after": f"{a['count']}（{a['percent']}%）"})
    for band in (age_band_label(limits) for limits in DEFAULT_AGE_BANDS):
        if band not in before["age_bands"] and band not in after["age_bands"]:
            continue
        rows.append({"label": band, "before": before["age_bands"].get(band, 0),
                     "after": after["age_bands"].get(band, 0)})
    return rows
