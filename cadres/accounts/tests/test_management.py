import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cadres.accounts.models import Grant, Role
from cadres.accounts.scopes import access_for
from cadres.accounts.testing import sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def units():
    return unit_tree()


@pytest.fixture
def admin_client(client, units):
    admin = user_with_role("admin", username="root")
    sign_in(client, admin)
    client.admin = admin
    return client


def test_admin_lists_users_with_their_roles(admin_client, units):
    # given
    user_with_role("unit_clerk", username="clerk", maintained=[units["east"]])
    # when
    response = admin_client.get(reverse("accounts:user_list"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "clerk" in body and "单位信息员" in body


def test_admin_creates_a_user_who_must_change_the_password(admin_client):
    # when
    response = admin_client.post(reverse("accounts:user_create"), {
        "username": "wang", "full_name": "王五", "password": "Chushi-mima-2026!",
    })
    # then
    user = User.objects.get(username="wang")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.must_change_password is True
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATED)
    assert event.actor == admin_client.admin
    assert event.changes["new"]["username"] == "wang"
    assert "password" not in str(event.changes)


def test_admin_grants_a_role_over_units_and_it_is_audited(admin_client, units):
    # given
    clerk = User.objects.create_user(username="clerk", password="x")
    # when
    admin_client.post(reverse("accounts:grant_create", args=[clerk.pk]), {
        "role": Role.objects.get(code="unit_clerk").pk,
        "maintained_units": [units["east"].pk], "note": "东镇信息员",
    })
    # then
    grant = Grant.objects.get(user=clerk)
    assert [u.path for u in grant.maintained_units.all()] == ["某县/东镇"]
    assert access_for(User.objects.get(pk=clerk.pk)).maintained_paths == {"某县/东镇"}
    event = AuditEvent.objects.get(action=AuditAction.GRANT_CREATED)
    assert event.target_id == str(clerk.pk)
    assert event.changes["new"]["maintained_units"] == ["某县/东镇"]


def test_grant_change_records_old_and_new_scope(admin_client, units):
    # given
    clerk = user_with_role("unit_clerk", username="clerk", maintained=[units["east"]])
    grant = Grant.objects.get(user=clerk)
    # when
    admin_client.post(reverse("accounts:grant_update", args=[grant.pk]), {
        "role": grant.role_id, "maintained_units": [units["west"].pk],
    })
    # then
    event = AuditEvent.objects.get(action=AuditAction.GRANT_UPDATED)
    assert event.changes["old"]["maintained_units"] == ["某县/东镇"]
    assert event.changes["new"]["maintained_units"] == ["某县/西镇"]


def test_grant_revoke_removes_access_and_is_audited(admin_client, units):
    # given
    clerk = user_with_role("unit_clerk", username="clerk", maintained=[units["east"]])
    grant = Grant.objects.get(user=clerk)
    # when
    admin_client.post(reverse("accounts:grant_revoke", args=[grant.pk]))
    # then
    assert not Grant.objects.filter(user=clerk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.GRANT_REVOKED).count() == 1


def test_password_reset_forces_a_change_at_next_login(admin_client, units):
    # given
    clerk = user_with_role("unit_clerk", username="clerk", maintained=[units["east"]])
    # when
    admin_client.post(reverse("accounts:user_password_reset", args=[clerk.pk]),
                      {"password": "Linshi-mima-2026!"})
    # then
    clerk.refresh_from_db()
    assert clerk.must_change_password is True
    assert clerk.check_password("Linshi-mima-2026!")
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 1


def test_user_update_records_old_and_new(admin_client, units):
    # given
    clerk = user_with_role("unit_clerk", username="clerk", maintained=[units["east"]])
    # when
    admin_client.post(reverse("accounts:user_detail", args=[clerk.pk]),
                      {"full_name": "李四", "email": "", "is_active": ""})
    # then
    clerk.refresh_from_db()
    assert (clerk.full_name, clerk.is_active) == ("李四", False)
    event = AuditEvent.objects.get(action=AuditAction.USER_UPDATED)
    assert event.changes["is_active"] == {"old": True, "new": False}


def test_admin_cannot_deactivate_herself(admin_client):
    # when
    response = admin_client.post(reverse("accounts:user_detail", args=[admin_client.admin.pk]),
                                 {"full_name": "管理员", "email": "", "is_active": ""})
    # then
    assert "不能停用自己的账户" in response.content.decode()
    assert User.objects.get(pk=admin_client.admin.pk).is_active is True


def test_two_factor_reset_removes_devices(admin_client, units):
    # given
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = user_with_role("cadre_office", username="officer", managed=[units["county"]])
    TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    # when
    admin_client.post(reverse("accounts:user_two_factor_reset", args=[officer.pk]))
    # then
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET).changes == {"devices": 1}


def test_management_pages_render(admin_client, units):
    # given
    clerk = user_with_role("unit_clerk", username="clerk", maintained=[units["east"]])
    grant = Grant.objects.get(user=clerk)
    # when
    pages = [
        admin_client.get(reverse("accounts:user_detail", args=[clerk.pk])),
        admin_client.get(reverse("accounts:user_create")),
        admin_client.get(reverse("accounts:grant_create", args=[clerk.pk])),
        admin_client.get(reverse("accounts:grant_update", args=[grant.pk])),
    ]
    # then
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert "某县/东镇" in pages[0].content.decode()


def test_user_is_linked_to_their_own_file_by_id_number(admin_client, units):
    # given
    from cadres.accounts.testing import person_in

    person = person_in(units["east"], "王五", id_number="330381197103096619")
    # when
    admin_client.post(reverse("accounts:user_create"), {
        "username": "wang", "full_name": "王五", "password": "Chushi-mima-2026!",
        "person": "330381197103096619",
    })
    refused = admin_client.post(reverse("accounts:user_create"), {
        "username": "zhao", "full_name": "赵六", "password": "Chushi-mima-2026!",
        "person": "110101199001011234",
    })
    # then
    assert User.objects.get(username="wang").person == person
    assert "干部名册中没有此身份证号" in refused.content.decode()
    assert not User.objects.filter(username="zhao").exists()
