import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadres.accounts.testing import TEST_PASSWORD, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _password_step(client, username):
    return client.post(reverse("accounts:login"),
                       {"username": username, "password": TEST_PASSWORD})


@pytest.fixture
def officer():
    return user_with_role("cadre_office", managed=[unit_tree()["county"]], username="officer")


def test_officer_without_a_device_must_enroll_before_anything_else(client, officer):
    # given
    _password_step(client, "officer")
    # when
    response = client.get(reverse("people:roster"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enroll"))


def test_enroll_page_shows_a_server_rendered_qr_code(client, officer):
    # given
    _password_step(client, "officer")
    # when
    response = client.get(reverse("accounts:otp_enroll"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed is False


def test_enrolling_with_a_right_code_confirms_the_device_and_signs_in(client, officer):
    # given
    _password_step(client, "officer")
    client.get(reverse("accounts:otp_enroll"))
    device = TOTPDevice.objects.get(user=officer)
    # when
    response = client.post(reverse("accounts:otp_enroll"), {"token": _code(device)})
    # then
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENROLLED,
                                     actor=officer).count() == 1


def test_officer_with_a_device_is_asked_for_the_code(client, officer):
    # given
    TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    _password_step(client, "officer")
    # when
    response = client.get(reverse("people:roster"))
    # then
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("accounts:otp_enroll"))["Location"] == reverse("accounts:otp_verify")


def test_right_code_lets_the_officer_in(client, officer):
    # given
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    _password_step(client, "officer")
    # when
    response = client.post(reverse("accounts:otp_verify") + "?next=/accounts/password/",
                           {"token": _code(device), "next": "/accounts/password/"})
    # then
    assert response["Location"] == "/accounts/password/"
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_wrong_code_is_refused_and_audited(client, officer):
    # given
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    _password_step(client, "officer")
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    # when
    response = client.post(reverse("accounts:otp_verify"), {"token": wrong})
    # then
    assert "动态口令不正确" in response.content.decode()
    assert client.get(reverse("accounts:password_change")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED).count() == 1


def test_unit_clerk_needs_no_second_factor(client):
    # given
    user_with_role("unit_clerk", maintained=[unit_tree()["east"]], username="clerk")
    _password_step(client, "clerk")
    # when
    response = client.get(reverse("accounts:password_change"))
    # then
    assert response.status_code == 200


def test_a_right_code_right_after_a_wrong_one_is_accepted(client, officer):
    # given
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    _password_step(client, "officer")
    right = _code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post(reverse("accounts:otp_verify"), {"token": wrong})
    # when: at once, within django-otp's one-second back-off
    response = client.post(reverse("accounts:otp_verify"), {"token": right})
    # then
    assert response.status_code == 302
    assert client.get(reverse("accounts:password_change")).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_repeated_wrong_codes_are_slowed_down_with_a_chinese_message(client, officer, settings):
    # given
    settings.OTP_FAILURES_BEFORE_BACKOFF = 2
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    _password_step(client, "officer")
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(2):
        client.post(reverse("accounts:otp_verify"), {"token": wrong})
    # when: the back-off has started, so even the right code waits
    response = client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    # then
    assert "秒后再试" in response.content.decode()
    assert client.get(reverse("accounts:password_change")).status_code == 302


def test_the_session_id_changes_at_the_two_factor_step(client, officer):
    # given
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    anonymous_key = client.get(reverse("accounts:login")) and client.session.session_key
    _password_step(client, "officer")
    after_password = client.session.session_key
    # when
    client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    # then
    after_code = client.session.session_key
    assert after_password and after_code
    assert after_password != anonymous_key
    assert after_code != after_password
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=after_password).exists()
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_the_session_id_changes_when_enrolling(client, officer):
    # given
    _password_step(client, "officer")
    client.get(reverse("accounts:otp_enroll"))
    after_password = client.session.session_key
    device = TOTPDevice.objects.get(user=officer)
    # when
    client.post(reverse("accounts:otp_enroll"), {"token": _code(device)})
    # then
    assert client.session.session_key != after_password


def test_the_code_window_comes_from_the_settings(client, officer, settings):
    # given: a phone clock two steps (60 s) behind
    settings.OTP_TOTP_TOLERANCE = 2
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time - 60
    late = f"{totp.token():06d}"
    _password_step(client, "officer")
    # when
    page = client.get(reverse("accounts:otp_verify")).content.decode()
    response = client.post(reverse("accounts:otp_verify"), {"token": late})
    # then
    assert "60秒以内" in page
    assert response.status_code == 302


def test_a_code_outside_the_window_is_refused(client, officer, settings):
    # given
    settings.OTP_TOTP_TOLERANCE = 1
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time - 90
    late = f"{totp.token():06d}"
    _password_step(client, "officer")
    # when
    response = client.post(reverse("accounts:otp_verify"), {"token": late})
    # then
    assert response.status_code == 200
    assert "动态口令不正确" in response.content.decode()
