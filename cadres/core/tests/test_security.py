"""The permission matrix over every page, security headers, session expiry and deploy settings."""

import os
import subprocess
import sys

import pytest
from django.urls import NoReverseMatch, reverse

from cadres.accounts.models import Grant
from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent
from cadres.people.models import Person

pytestmark = pytest.mark.django_db

# Pages and what each role gets. The user's grant covers 东镇 (east); "in" pages are records in
# 东镇, "out" pages records in 西镇 (west). 200 = shown, 403 = refused, 404 = hidden by scope.
PAGES = ["roster", "person_in", "person_out", "unit_tree", "unit_in", "unit_out", "structure",
         "gaps", "audit", "users", "roles", "password"]
MATRIX = {
    #               roster person_in person_out tree unit_in unit_out structure gaps audit users
    #               roles password
    "admin":        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "cadre_office": [200, 200, 404, 200, 200, 404, 200, 200, 403, 403, 403, 200],
    "supervision":  [200, 200, 404, 200, 200, 404, 200, 200, 200, 403, 403, 200],
    "unit_clerk":   [200, 200, 404, 200, 200, 404, 403, 403, 403, 403, 403, 200],
    "inspection":   [200, 200, 404, 200, 200, 404, 403, 403, 403, 403, 403, 200],
    "leader":       [403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 200],
    "committee":    [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
    "no_grant":     [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
}
CASES = [
    pytest.param(role, page_name, statuses[index], id=f"{role}-{page_name}-{statuses[index]}")
    for role, statuses in MATRIX.items()
    for index, page_name in enumerate(PAGES)
]


@pytest.fixture
def world():
    units = unit_tree()
    return {
        **units,
        "east_person": person_in(units["east_office"], "东镇甲"),
        "west_person": person_in(units["west"], "西镇乙"),
    }


def _url(page_name: str, world: dict) -> str:
    named = {
        "roster": ("people:roster", []),
        "person_in": ("people:person_detail", [world["east_person"].pk]),
        "person_out": ("people:person_detail", [world["west_person"].pk]),
        "unit_tree": ("org:unit_tree", []),
        "unit_in": ("org:unit_detail", [world["east_office"].pk]),
        "unit_out": ("org:unit_detail", [world["west"].pk]),
        "structure": ("analytics:structure", []),
        "gaps": ("plans:gaps", []),
        "audit": ("audit:event_list", []),
        "users": ("accounts:user_list", []),
        "roles": ("accounts:role_list", []),
        "password": ("accounts:password_change", []),
    }
    name, args = named[page_name]
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"{name} does not exist yet")


def _user(role: str, world: dict):
    if role == "no_grant":
        from django.contrib.auth import get_user_model

        return get_user_model().objects.create_user(username="nobody", password="x")
    if role == "unit_clerk":
        return user_with_role(role, maintained=[world["east"]])
    return user_with_role(role, managed=[world["east"]])


@pytest.mark.parametrize(("role", "page_name", "expected"), CASES)
def test_permission_matrix(client, world, role, page_name, expected):
    # given
    user = _user(role, world)
    sign_in(client, user)
    url = _url(page_name, world)
    before = AuditEvent.objects.count()
    # when
    response = client.get(url)
    # then
    assert response.status_code == expected
    new = [(e.action, e.actor_id) for e in AuditEvent.objects.order_by("id")[before:]]
    if expected == 403:
        assert new == [(AuditAction.PERMISSION_DENIED, user.pk)]
    if expected == 404:
        # An out-of-scope id leaves a trace (rate-limited) and nothing else.
        assert new == [("access.not_found", user.pk)]


def test_person_list_and_units_are_scoped_to_the_grant(world):
    # given
    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    # then: the grant's unit includes its subtree and nothing else
    assert list(Person.objects.visible_to(clerk).values_list("name", flat=True)) == ["东镇甲"]
    from cadres.org.models import Unit

    assert sorted(Unit.objects.visible_to(clerk).values_list("path", flat=True)) == [
        "某县/东镇", "某县/东镇/党政办"]


def test_expired_grant_gives_no_access(world):
    # given
    import datetime as dt

    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    Grant.objects.filter(user=clerk).update(expires_on=dt.date(2020, 1, 1))
    clerk.refresh_from_db()
    # then
    assert not Person.objects.visible_to(clerk).exists()


def test_anonymous_user_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Person.objects.visible_to(AnonymousUser()).exists()


def test_write_predicates_follow_the_maintain_scope(world):
    from cadres.accounts.permissions import can_edit_person, can_import_roster

    # given: managing the county, maintaining only 东镇
    officer = user_with_role("cadre_office", managed=[world["county"]],
                             maintained=[world["east"]])
    leader = user_with_role("leader", managed=[world["county"]])
    # then
    assert can_edit_person(officer, world["east_person"]) is True
    assert can_edit_person(officer, world["west_person"]) is False
    assert can_import_roster(officer, world["east"]) is True
    assert can_import_roster(officer, world["west"]) is False
    assert can_import_roster(leader) is False


def test_refused_import_writes_no_row_and_only_the_refusal(client, world):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    leader = user_with_role("leader", managed=[world["county"]])
    sign_in(client, leader)
    people_before = Person.objects.count()
    events_before = AuditEvent.objects.count()
    # when
    try:
        url = reverse("people:roster_import")
    except NoReverseMatch:
        pytest.skip("people:roster_import does not exist yet")
    response = client.post(url, {"file": SimpleUploadedFile("名册.csv", "姓名\n张三\n".encode())})
    # then
    assert response.status_code == 403
    assert Person.objects.count() == people_before
    new = list(AuditEvent.objects.order_by("id")[events_before:])
    assert [e.action for e in new] == [AuditAction.PERMISSION_DENIED]


def test_refused_grant_change_writes_no_row_and_only_the_refusal(client, world):
    # given
    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    sign_in(client, clerk)
    from cadres.accounts.models import Role

    grants_before = Grant.objects.count()
    events_before = AuditEvent.objects.count()
    # when: the clerk tries to give herself the whole county
    response = client.post(reverse("accounts:grant_create", args=[clerk.pk]), {
        "role": Role.objects.get(code="admin").pk, "managed_units": [world["county"].pk],
    })
    # then
    assert response.status_code == 403
    assert Grant.objects.count() == grants_before
    new = list(AuditEvent.objects.order_by("id")[events_before:])
    assert [e.action for e in new] == [AuditAction.PERMISSION_DENIED]


# Security headers and sessions.

def test_pages_carry_a_strict_content_security_policy_and_headers(client):
    # when
    response = client.get(reverse("accounts:login"))
    # then
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_login_form_is_protected_against_csrf(world):
    # given
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user_with_role("unit_clerk", username="clerk", maintained=[world["east"]])
    # when
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": "x"})
    # then
    assert response.status_code == 403


def test_signed_in_pages_are_not_cached(client, world):
    # given
    sign_in(client, user_with_role("unit_clerk", maintained=[world["east"]]))
    # when
    response = client.get(reverse("accounts:password_change"))
    # then
    assert response["Cache-Control"] == "no-store"


def test_session_expires_after_idle_time(client, settings, world):
    # given
    import time

    from cadres.core.middleware import IDLE_KEY

    sign_in(client, user_with_role("unit_clerk", maintained=[world["east"]]))
    assert client.get(reverse("accounts:password_change")).status_code == 200
    session = client.session
    session[IDLE_KEY] = time.time() - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    # when
    response = client.get(reverse("accounts:password_change"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_session_settings_expire_idle_sessions(settings):
    # Each request renews the cookie and the database session for SESSION_COOKIE_AGE.
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.PASSWORD_HASHERS  # test settings use a fast hasher; base uses Argon2


def test_base_settings_hash_passwords_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_check_deploy_passes_with_production_environment(tmp_path):
    # given
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-0123456789",
        "CADRES_HTTPS": "1",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "cadres.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "CADRES_VAR_DIR": str(tmp_path),
    }
    # when
    result = subprocess.run(
        [sys.executable, "-m", "config.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_roster_paths_outside_the_maintain_scope_are_named(world):
    from cadres.accounts.permissions import unit_paths_outside_maintain_scope

    # given
    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    admin = user_with_role("admin")
    paths = ["某县/东镇", "某县/东镇/党政办", "某县/西镇", "某县/东镇新区"]
    # then
    assert unit_paths_outside_maintain_scope(clerk, paths) == ["某县/东镇新区", "某县/西镇"]
    assert unit_paths_outside_maintain_scope(admin, paths) == []
    assert unit_paths_outside_maintain_scope(None, paths) == []


def test_idle_htmx_request_is_sent_to_the_login_page_whole(client, settings, world):
    # given
    import time

    from cadres.core.middleware import IDLE_KEY

    sign_in(client, user_with_role("unit_clerk", maintained=[world["east"]]))
    client.get(reverse("accounts:password_change"))
    session = client.session
    session[IDLE_KEY] = time.time() - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    # when
    response = client.get(reverse("accounts:password_change"), headers={"HX-Request": "true"})
    # then
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")
