"""One scoping helper per action: restrict(user, "view") reaches the managed and maintained
units, restrict(user, "change") only the maintained ones."""

import pytest

from cadres.accounts.testing import person_in, unit_tree, user_with_role
from cadres.org.models import Unit
from cadres.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    units = unit_tree()
    return {
        **units,
        "east_person": person_in(units["east_office"], "东镇甲"),
        "west_person": person_in(units["west"], "西镇乙"),
    }


def _names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def _paths(queryset):
    return sorted(queryset.values_list("path", flat=True))


def test_view_reaches_managed_and_maintained_units_change_only_maintained(world):
    # given: the officer manages 西镇 and maintains 东镇
    officer = user_with_role("cadre_office", managed=[world["west"]],
                             maintained=[world["east"]])
    # then
    assert _names(Person.objects.restrict(officer, "view")) == ["东镇甲", "西镇乙"]
    assert _names(Person.objects.restrict(officer, "change")) == ["东镇甲"]
    assert _paths(Unit.objects.restrict(officer, "view")) == [
        "某县/东镇", "某县/东镇/党政办", "某县/西镇"]
    assert _paths(Unit.objects.restrict(officer, "change")) == ["某县/东镇", "某县/东镇/党政办"]


def test_managing_only_changes_nothing(world):
    # given
    officer = user_with_role("cadre_office", managed=[world["county"]])
    # then
    assert _names(Person.objects.restrict(officer, "view")) == ["东镇甲", "西镇乙"]
    assert not Person.objects.restrict(officer, "change").exists()
    assert not Unit.objects.restrict(officer, "change").exists()


def test_visible_to_is_restrict_view(world):
    # given
    clerk = user_with_role("unit_clerk", managed=[world["west"]], maintained=[world["east"]])
    # then
    assert _names(Person.objects.visible_to(clerk)) == _names(
        Person.objects.restrict(clerk, "view"))
    assert _paths(Unit.objects.visible_to(clerk)) == _paths(Unit.objects.restrict(clerk, "view"))


def test_all_units_roles_and_superusers_reach_everything_for_both_actions(world):
    # given
    from django.contrib.auth import get_user_model

    admin = user_with_role("admin")
    root = get_user_model().objects.create_superuser(username="root", password="x")
    # then
    for user in (admin, root):
        for action in ("view", "change"):
            assert Person.objects.restrict(user, action).count() == 2
            assert Unit.objects.restrict(user, action).count() == 4


def test_no_grant_or_anonymous_reaches_nothing(world):
    # given
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    nobody = get_user_model().objects.create_user(username="nobody", password="x")
    # then
    for user in (nobody, AnonymousUser(), None):
        for action in ("view", "change"):
            assert not Person.objects.restrict(user, action).exists()
            assert not Unit.objects.restrict(user, action).exists()


def test_an_unknown_action_is_an_error(world):
    # given
    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    # then
    with pytest.raises(ValueError, match="delete"):
        Person.objects.restrict(clerk, "delete")
