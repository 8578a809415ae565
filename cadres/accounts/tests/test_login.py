import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cadres.accounts.models import LoginAttempt
from cadres.accounts.testing import TEST_PASSWORD, user_with_role
from cadres.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       **extra)


def test_login_page_is_public_and_in_chinese(client):
    # when
    response = client.get(reverse("accounts:login"))
    # then
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_pages_redirect_anonymous_users_to_login(client):
    # when
    response = client.get(reverse("accounts:user_list"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_with_right_password_signs_in_and_is_audited(client):
    # given
    user = user_with_role("unit_clerk", username="clerk")
    # when
    response = _login(client, "clerk", TEST_PASSWORD)
    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    event = AuditEvent.objects.get(action=AuditAction.USER_LOGGED_IN)
    assert event.actor == user
    assert event.changes == {"ip": "127.0.0.1"}


def test_login_with_wrong_password_is_refused_and_audited(client):
    # given
    user_with_role("unit_clerk", username="clerk")
    # when
    response = _login(client, "clerk", "wrong")
    # then
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1


def test_five_failures_lock_the_username_from_that_address(client):
    # given
    user_with_role("unit_clerk", username="clerk")
    for _ in range(5):
        _login(client, "clerk", "wrong")
    # when: the right password no longer works from this address
    response = _login(client, "clerk", TEST_PASSWORD)
    # then
    assert "已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED).count() == 1
    assert LoginAttempt.objects.filter(succeeded=False).count() == 5


def test_lockout_is_per_address(client):
    # given
    user_with_role("unit_clerk", username="clerk")
    for _ in range(5):
        _login(client, "clerk", "wrong")
    # when
    response = _login(client, "clerk", TEST_PASSWORD, REMOTE_ADDR="10.0.0.9")
    # then
    assert response.status_code == 302


def test_lockout_ends_after_the_window(client):
    # given
    from datetime import timedelta

    from django.utils import timezone

    user_with_role("unit_clerk", username="clerk")
    for _ in range(5):
        _login(client, "clerk", "wrong")
    LoginAttempt.objects.update(attempted_at=timezone.now() - timedelta(minutes=16))
    # when
    response = _login(client, "clerk", TEST_PASSWORD)
    # then
    assert response.status_code == 302


def test_login_does_not_redirect_to_another_site(client):
    # given
    user_with_role("unit_clerk", username="clerk")
    # when
    response = client.post(reverse("accounts:login") + "?next=https://evil.example/",
                           {"username": "clerk", "password": TEST_PASSWORD})
    # then
    from django.conf import settings
    from django.shortcuts import resolve_url

    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_logout_needs_post_and_ends_the_session(client):
    # given
    user = user_with_role("unit_clerk", username="clerk")
    client.force_login(user)
    # when
    refused = client.get(reverse("accounts:logout"))
    response = client.post(reverse("accounts:logout"))
    # then
    assert refused.status_code == 405
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.USER_LOGGED_OUT, actor=user).count() == 1


def test_user_who_must_change_password_is_sent_to_the_change_page(client):
    # given
    user = user_with_role("unit_clerk", username="clerk", must_change_password=True)
    client.force_login(user)
    # when
    response = client.get(reverse("accounts:user_list"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


def test_changing_the_password_clears_the_flag_and_keeps_the_session(client):
    # given
    user = user_with_role("unit_clerk", username="clerk", must_change_password=True)
    client.force_login(user)
    # when
    response = client.post(reverse("accounts:password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "Xin-mima-2026!",
        "new_password2": "Xin-mima-2026!",
    })
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password("Xin-mima-2026!")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1


def test_password_change_needs_the_current_password(client):
    # given
    user = user_with_role("unit_clerk", username="clerk", must_change_password=True)
    client.force_login(user)
    # when
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "wrong", "new_password1": "Xin-mima-2026!",
        "new_password2": "Xin-mima-2026!",
    })
    # then
    assert "当前密码不正确" in response.content.decode()
    assert get_user_model().objects.get(pk=user.pk).must_change_password is True


def _enroll_and_land(client, user):
    """Enroll a device at the two-factor step; returns where the gate sends the user next."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.get(reverse("accounts:otp_enroll"))
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(reverse("accounts:otp_enroll"), {"token": f"{totp.token():06d}"})
    return client.get(reverse("people:roster"))


def test_an_administrator_made_by_admin_create_enrolls_in_two_factor_then_changes_password(
        client):
    # given
    from cadres.accounts.permissions import requires_two_factor
    from cadres.accounts.services import admin_create

    admin = admin_create(actor=None, username="root", password=TEST_PASSWORD)
    # when
    _login(client, "root", TEST_PASSWORD)
    first = client.get(reverse("people:roster"))
    after_enrolling = _enroll_and_land(client, admin)
    # then
    assert admin.is_superuser and requires_two_factor(admin)
    assert admin.grants.get().role.code == "admin"
    assert first["Location"].startswith(reverse("accounts:otp_enroll"))
    assert after_enrolling["Location"] == reverse("accounts:password_change")


def test_demo_administrator_holds_the_admin_role_and_enrolls_in_two_factor(client):
    # given
    from cadres.accounts.models import Grant
    from cadres.people.demo import ADMIN_USERNAME, DEMO_PASSWORD, demo_users_ensure

    demo_users_ensure(actor=None)
    assert Grant.objects.filter(user__username=ADMIN_USERNAME, role__code="admin").exists()
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    _login(client, ADMIN_USERNAME, DEMO_PASSWORD)
    # when
    first = client.get(reverse("people:roster"))
    after_enrolling = _enroll_and_land(client, admin)
    # then
    assert first["Location"].startswith(reverse("accounts:otp_enroll"))
    assert after_enrolling["Location"] == reverse("accounts:password_change")
