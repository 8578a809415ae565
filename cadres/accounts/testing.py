"""Helpers for tests in every app: users holding a role over some units.

    clerk = user_with_role("unit_clerk", maintained=[township])
    officer = user_with_role("cadre_office", managed=[county])
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from cadres.accounts.models import Grant, Role

TEST_PASSWORD = "Test-pass-2026!"


def ensure_default_roles() -> None:
    """The roles of the data migration, again: transactional tests (live_server) flush them."""
    from cadres.accounts.roles import default_roles_create

    if Role.objects.exists():
        return
    default_roles_create(Role)


def user_with_role(
    role_code: str, *, managed: Iterable[Any] = (), maintained: Iterable[Any] = (),
    username: str | None = None, password: str = TEST_PASSWORD, **fields: Any,
) -> Any:
    """A user with one grant of the role over the given units (each with its subtree)."""
    username = username or f"{role_code}-{get_user_model().objects.count() + 1}"
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    ensure_default_roles()
    grant = Grant.objects.create(user=user, role=Role.objects.get(code=role_code))
    grant.managed_units.set(list(managed))
    grant.maintained_units.set(list(maintained))
    return user


def unit_tree() -> dict[str, Any]:
    """A county with two townships and an office under the first one."""
    from cadres.org.models import Unit

    county = Unit.objects.create(name="某县", path="某县", depth=0)
    east = Unit.objects.create(name="东镇", path="某县/东镇", parent=county, depth=1)
    east_office = Unit.objects.create(name="党政办", path="某县/东镇/党政办", parent=east, depth=2)
    west = Unit.objects.create(name="西镇", path="某县/西镇", parent=county, depth=1)
    return {"county": county, "east": east, "east_office": east_office, "west": west}


def person_in(unit: Any, name: str = "张三", **fields: Any) -> Any:
    """A person holding a main post in `unit`, created by the org services (the only writers of
    posts); `fields` may give the post too (post_title, rank, is_team_member, post_started_on)."""
    import datetime as dt

    from cadres.org.models import PostSource
    from cadres.org.services import person_create

    values: dict[str, Any] = {"sex": "1", "ethnicity": "01", "birth_date": dt.date(1980, 5, 1),
                              "political_status": "01", "rank": "0142"}
    values.update(fields)
    return person_create(
        actor=None, fields={"name": name, **{
            key: value for key, value in values.items()
            if key not in ("rank", "post_title", "is_team_member", "post_started_on")
        }},
        unit=unit, title=values.get("post_title", ""), rank=values["rank"],
        is_team_member=values.get("is_team_member", False),
        started_on=values.get("post_started_on"), source=PostSource.FORM,
    )


def sign_in(client: Any, user: Any) -> Any:
    """Sign a test client in as the user, past the two-factor step when the role needs it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cadres.accounts.permissions import requires_two_factor

    client.force_login(user)
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="测试", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
