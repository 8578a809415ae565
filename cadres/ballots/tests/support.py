"""Helpers for the ballots tests: users holding ballots codes, votes set up to the open."""

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from cadres.accounts.models import Grant, Role
from cadres.ballots import services

_numbers = itertools.count(1)


def user_with_codes(*codes: str, units: tuple[Any, ...] = (), all_units: bool = True) -> Any:
    """A user with a role carrying exactly these permission codes."""
    number = next(_numbers)
    role = Role.objects.create(code=f"ballots-test-{number}", name=f"投票测试角色{number}",
                               permissions=list(codes), all_units=all_units and not units)
    user = get_user_model().objects.create_user(username=f"ballots-user-{number}", password="Test-pass-2026!")
    grant = Grant.objects.create(user=user, role=role)
    grant.managed_units.set(list(units))
    return user


def sign_in_people(vote: Any, count: int, *, group: str | None = None, prefix: str = "代表") -> list[Any]:
    return [services.attendance_sign_in(actor=None, vote=vote, name=f"{prefix}{index:03d}", group=group)
            for index in range(1, count + 1)]


def open_vote(kind: str = "decision", *, expected: int = 9, present: int | None = None,
              options: tuple[str, ...] = ("张三", "李四"), codes: int | None = None,
              groups: tuple[tuple[str, Any], ...] = (), per_group: dict[str, int] | None = None,
              **rules: Any) -> tuple[Any, list[str] | dict[str, list[str]]]:
    """A vote frozen, people signed in, codes issued and opened; returns (vote, codes)."""
    if kind == "recommendation":
        rules.setdefault("max_choices", 2)
    vote = services.vote_create(actor=None, kind=kind, title="测试投票", expected_count=expected,
                                options=options, groups=groups, **rules)
    services.vote_freeze(actor=None, vote=vote)
    if per_group:
        issued: dict[str, list[str]] = {}
        for name, count in per_group.items():
            sign_in_people(vote, count, group=name, prefix=name or "代表")
            issued[name] = services.codes_issue(actor=None, vote=vote, count=count, group=name)
        services.vote_open(actor=None, vote=vote)
        vote.refresh_from_db()
        return vote, issued
    present = expected if present is None else present
    sign_in_people(vote, present)
    slips = services.codes_issue(actor=None, vote=vote, count=codes or present)
    services.vote_open(actor=None, vote=vote)
    vote.refresh_from_db()
    return vote, slips


def keys(vote: Any) -> list[str]:
    return [option.key for option in vote.options.all()]


def decision(vote: Any, *values: str) -> dict[str, Any]:
    return {"choices": dict(zip(keys(vote), values))}
