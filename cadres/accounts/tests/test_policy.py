"""Deny by default: every view declares who may open it, and one that declares nothing is
refused (403, one audit entry)."""

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cadres.accounts.permissions import PAGE_POLICY, view_policy
from cadres.accounts.testing import sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent

TEST_URLCONF = "cadres.accounts.tests.urls_undeclared"


def _views(patterns, namespaces=(), prefix=""):
    """(route, view name, namespace, callback) of every view, walking included URLconfs."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _views(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            name = pattern.name or f"{callback.__module__}.{callback.__qualname__}"
            yield route, ":".join((*namespaces, name)), ":".join(namespaces), callback


def _undeclared(resolver):
    return sorted(route for route, view_name, namespace, callback in _views(resolver.url_patterns)
                  if view_policy(callback, view_name, namespace) is None)


def test_every_view_of_the_project_declares_a_policy():
    # given
    views = list(_views(get_resolver().url_patterns))
    # then
    assert len(views) > 20
    assert _undeclared(get_resolver()) == []


def test_the_walk_finds_an_undeclared_view_in_an_included_module():
    # then: the walk goes into included URLconfs and would fail on this one
    assert _undeclared(get_resolver(TEST_URLCONF)) == ["newmodule/undeclared/"]


def test_every_code_named_by_the_page_policy_is_registered():
    from cadres.accounts.codes import is_registered

    codes = [value for value in PAGE_POLICY.values() if isinstance(value, str)]
    assert codes and all(is_registered(code) for code in codes)


@pytest.fixture
def committee_client(client, db):
    user = user_with_role("committee", managed=[unit_tree()["county"]])
    sign_in(client, user)
    client.user = user
    return client


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLCONF)
def test_an_undeclared_view_is_refused_and_audited_while_a_declared_one_answers(
        committee_client):
    # given
    before = AuditEvent.objects.count()
    # when
    refused = committee_client.get("/newmodule/undeclared/")
    answered = committee_client.get("/newmodule/everyone/")
    # then
    assert refused.status_code == 403
    assert b"secret" not in refused.content
    assert "无权访问" in refused.content.decode()
    assert answered.status_code == 200 and answered.content == b"for everyone"
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.actor_id) for e in events] == [
        (AuditAction.PERMISSION_DENIED, committee_client.user.pk)]
    assert events[0].changes["path"] == "/newmodule/undeclared/"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLCONF)
def test_a_declared_code_is_checked_before_the_view(committee_client):
    # when
    refused = committee_client.get("/newmodule/auditors/")
    # then
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED,
                                     target_label="查阅审计记录").count() == 1


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLCONF)
def test_an_auditor_opens_the_view_declared_for_auditors(client):
    # given
    sign_in(client, user_with_role("supervision"))
    # when
    response = client.get("/newmodule/auditors/")
    # then
    assert response.status_code == 200


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLCONF)
def test_anonymous_users_go_to_the_login_except_on_public_views(client):
    # when
    undeclared = client.get("/newmodule/undeclared/")
    public = client.get("/newmodule/public/")
    # then
    assert undeclared.status_code == 302
    assert undeclared["Location"].startswith(reverse("accounts:login"))
    assert public.status_code == 200 and public.content == b"public"
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_static_files_are_not_subject_to_the_policy(client):
    # given
    from django.contrib.staticfiles.views import serve
    from django.views.static import serve as static_serve

    # then
    assert view_policy(serve, "serve", "") == "public"
    assert view_policy(static_serve, "serve", "") == "public"


@pytest.mark.django_db
@pytest.mark.parametrize(("role_code", "landing"), [
    ("unit_clerk", "people:roster"), ("leader", "analytics:structure"),
    ("admin", "people:roster")])
def test_the_home_page_sends_each_user_to_a_page_the_roles_open(client, role_code, landing):
    # given
    sign_in(client, user_with_role(role_code, managed=[unit_tree()["county"]]))
    # when
    response = client.get("/")
    # then
    assert response["Location"] == reverse(landing)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_committee_member_lands_on_a_page_without_a_refusal(committee_client):
    # when
    response = committee_client.get("/")
    # then
    assert response.status_code == 200
    assert "没有可查看的页面" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).exists()
