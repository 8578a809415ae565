"""Permission codes per action: the registry, the default roles after the migrations, the
predicates computed from codes, and the role pages that show them in Chinese."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.template import Context, Template
from django.urls import reverse

from cadres.accounts import permissions
from cadres.accounts.codes import (
    is_registered,
    permission_choices,
    permission_label,
    register_permissions,
)
from cadres.accounts.models import Role
from cadres.accounts.roles import DEFAULT_ROLES
from cadres.accounts.testing import sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CORE_CODES = [
    "people.view", "people.change", "people.import", "people.export", "people.view_sensitive",
    "people.export_sensitive", "org.view", "org.change", "analytics.view", "plans.view",
    "plans.change", "audit.view", "audit.export", "accounts.manage", "reports.view",
]


def test_every_core_code_is_registered_with_a_chinese_label():
    # then
    for code in CORE_CODES:
        assert is_registered(code), code
        assert permission_label(code) != code
    assert [code for code, _ in permission_choices()][: len(CORE_CODES)] == CORE_CODES


def test_a_new_module_registers_its_codes_without_touching_accounts():
    # given
    @register_permissions
    class ProcedurePermission(models.TextChoices):
        CASE_ADVANCE = "procedures.case_advance", "推进选拔任用程序"

    # then
    assert is_registered("procedures.case_advance")
    assert permission_label("procedures.case_advance") == "推进选拔任用程序"
    with pytest.raises(ValueError):
        register_permissions({"NoDot": "坏代码"})


def test_the_default_roles_carry_the_codes_the_migration_mapped_from_the_flags():
    # then: the migrated database holds exactly the documented table
    expected = {code: (sorted(set(codes)), attributes)
                for code, _name, _description, codes, attributes in DEFAULT_ROLES}
    for role in Role.objects.filter(code__in=expected):
        codes, attributes = expected[role.code]
        assert sorted(role.permissions) == codes, role.code
        assert role.all_units is attributes.get("all_units", False), role.code
        assert role.requires_two_factor is attributes.get("requires_two_factor", False)
    assert Role.objects.filter(code__in=expected).count() == 7
    assert not hasattr(Role, "sees_records")


def test_the_migration_maps_each_flag_to_its_codes():
    # given: a custom role as it stood before the migration
    from types import SimpleNamespace

    migration = importlib.import_module(
        "cadres.accounts.migrations.0005_role_permissions_from_flags")
    flags = {"sees_records": True, "sees_analysis": False, "sees_sensitive": True,
             "sees_reports": False, "browses_audit": True, "manages_users": False}
    # when
    codes = migration.codes_for(SimpleNamespace(code="custom", **flags))
    inspection = migration.codes_for(SimpleNamespace(
        code="inspection", **{**flags, "sees_sensitive": False, "browses_audit": False}))
    # then
    assert codes == ["audit.export", "audit.view", "org.view", "people.change",
                     "people.export", "people.export_sensitive", "people.import",
                     "people.view", "people.view_sensitive"]
    assert inspection == ["org.view", "people.export", "people.view"]


PREDICATES = ["can_view_records", "can_view_units", "can_view_analysis", "can_view_plans",
              "can_edit_plans", "can_see_sensitive", "can_export_sensitive", "can_see_reports",
              "can_browse_audit", "can_export_audit", "can_manage_users", "requires_two_factor"]
EXPECTED = {
    "admin":        [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1],
    "cadre_office": [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1],
    "supervision":  [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1],
    "unit_clerk":   [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "leader":       [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    "committee":    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "inspection":   [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
}


@pytest.mark.parametrize("role_code", EXPECTED)
def test_each_predicate_is_computed_from_the_role_codes(role_code):
    # given
    user = user_with_role(role_code, managed=[unit_tree()["east"]])
    # then
    answers = [int(getattr(permissions, name)(user)) for name in PREDICATES]
    assert answers == EXPECTED[role_code]


def test_a_code_added_to_a_role_takes_effect_for_its_users():
    # given
    leader = user_with_role("leader")
    assert permissions.can_browse_audit(leader) is False
    role = Role.objects.get(code="leader")
    role.permissions = [*role.permissions, "audit.view"]
    role.save()
    # when
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=leader.pk)
    # then
    assert permissions.can_browse_audit(fresh) is True
    assert permissions.can_export_audit(fresh) is False


def test_import_and_edit_need_their_codes_and_the_maintain_scope():
    # given: an inspection member who (wrongly) maintains a unit still may not write
    units = unit_tree()
    inspector = user_with_role("inspection", maintained=[units["east"]])
    clerk = user_with_role("unit_clerk", maintained=[units["east"]])
    from cadres.accounts.testing import person_in

    person = person_in(units["east"])
    # then
    assert permissions.can_import_roster(inspector) is False
    assert permissions.can_edit_person(inspector, person) is False
    assert permissions.can_import_roster(clerk, units["east"]) is True
    assert permissions.can_edit_person(clerk, person) is True
    assert permissions.can_import_roster(clerk, units["west"]) is False


def test_role_refuses_unknown_codes():
    # given
    role = Role(code="x", name="某角色", permissions=["people.view", "people.fly"])
    # then
    with pytest.raises(ValidationError, match="people.fly"):
        role.full_clean()


def test_may_filter_takes_codes_and_the_old_flag_names():
    # given
    user = user_with_role("supervision")
    template = Template('{% load cadres_security %}{{ user|may:"audit.view" }} '
                        '{{ user|may:"browses_audit" }} {{ user|may:"accounts.manage" }}')
    # then
    assert template.render(Context({"user": user})) == "True True False"


@pytest.fixture
def admin_client(client):
    admin = user_with_role("admin", username="root")
    sign_in(client, admin)
    client.admin = admin
    return client


def test_role_list_shows_each_role_with_its_codes_in_chinese(admin_client):
    # when
    response = admin_client.get(reverse("accounts:role_list"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "干部监督科" in body and "查阅审计记录" in body and "查看12380举报" in body
    assert "audit.view" not in body


def test_administrator_changes_a_roles_codes_and_it_is_audited(admin_client):
    # given
    role = Role.objects.get(code="leader")
    # when
    response = admin_client.post(reverse("accounts:role_update", args=[role.pk]), {
        "name": "领导", "description": "只读", "permissions": ["analytics.view", "people.view"],
    })
    # then
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.permissions == ["analytics.view", "people.view"]
    event = AuditEvent.objects.get(action="role.updated")
    assert event.actor == admin_client.admin
    assert event.changes["permissions"] == {
        "old": ["alerts.view", "analytics.view", "assessments.view", "ballots.view", "cases.view", "plans.view",
                "reserves.view", "supervision.view"],
        "new": ["analytics.view", "people.view"]}


def test_role_pages_are_refused_to_other_roles(client):
    # given
    sign_in(client, user_with_role("supervision"))
    # when
    response = client.get(reverse("accounts:role_list"))
    # then
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="permission.denied").count() == 1


def test_role_form_offers_every_registered_code_by_its_label(admin_client):
    # given
    role = Role.objects.get(code="leader")
    # when
    body = admin_client.get(reverse("accounts:role_update", args=[role.pk])).content.decode()
    # then
    for code, label in permission_choices():
        assert f'value="{code}"' in body and label in body
    assert body.count("checked") == 8  # analytics plans ballots cases assessments reserves alerts supervision
