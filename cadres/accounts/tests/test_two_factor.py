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
