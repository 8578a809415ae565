"""The sign-in lockout: checked and recorded atomically (no burst gets past the limit), shown to
the administrator, lifted by the administrator, worded from the settings."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cadres.accounts import services
from cadres.accounts.models import LoginAttempt
from cadres.accounts.testing import TEST_PASSWORD, sign_in, user_with_role
from cadres.audit.models import AuditAction, AuditEvent


def _login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       **extra)


@pytest.mark.django_db
def test_a_success_before_the_limit_restarts_the_count(client):
    # given
    user_with_role("unit_clerk", username="clerk")
    for _ in range(4):
        _login(client, "clerk", "wrong")
    assert _login(client, "clerk", TEST_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    # when: four more failures do not lock, the fifth does
    for _ in range(4):
        _login(client, "clerk", "wrong")
    fourth = services.login_is_locked(username="clerk", ip_address="127.0.0.1")
    _login(client, "clerk", "wrong")
    # then
    assert fourth is False
    assert services.login_is_locked(username="clerk", ip_address="127.0.0.1") is True


@pytest.mark.django_db
def test_a_locked_attempt_is_not_checked_nor_recorded(client):
    # given
    user_with_role("unit_clerk", username="clerk")
    for _ in range(5):
        _login(client, "clerk", "wrong")
    # when
    for _ in range(3):
        _login(client, "clerk", TEST_PASSWORD)
    # then
    assert LoginAttempt.objects.count() == 5
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 5
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED).count() == 1


@pytest.mark.django_db
def test_the_lockout_wording_comes_from_the_settings(client, settings):
    # given
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    user_with_role("unit_clerk", username="clerk")
    # when
    page = client.get(reverse("accounts:login")).content.decode()
    for _ in range(3):
        response = _login(client, "clerk", "wrong")
    # then
    assert "连续输错密码3次" in page and "10分钟" in page
    body = response.content.decode()
    assert "已暂时锁定" in body and "10分钟" in body
    assert "15分钟" not in body


@pytest.mark.django_db
def test_a_locked_account_shows_as_locked_and_the_administrator_unlocks_it(client):
    # given
    clerk = user_with_role("unit_clerk", username="clerk")
    for _ in range(5):
        _login(client, "clerk", "wrong", REMOTE_ADDR="10.0.0.7")
    admin = user_with_role("admin", username="root")
    sign_in(client, admin)
    # when
    listed = client.get(reverse("accounts:user_list")).content.decode()
    detail = client.get(reverse("accounts:user_detail", args=[clerk.pk])).content.decode()
    response = client.post(reverse("accounts:user_login_unlock", args=[clerk.pk]))
    # then
    assert "登录已锁定" in listed
    assert "10.0.0.7" in detail and "解除锁定" in detail
    assert response.status_code == 302
    assert services.login_is_locked(username="clerk", ip_address="10.0.0.7") is False
    event = AuditEvent.objects.get(action="user.login_unlocked")
    assert event.actor == admin and event.target_id == str(clerk.pk)
    assert event.changes["addresses"] == ["10.0.0.7"]
    client.post(reverse("accounts:logout"))
    assert _login(Client(), "clerk", TEST_PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302


@pytest.mark.django_db
def test_only_an_administrator_may_unlock(client):
    # given
    clerk = user_with_role("unit_clerk", username="clerk")
    sign_in(client, user_with_role("supervision"))
    # when
    response = client.post(reverse("accounts:user_login_unlock", args=[clerk.pk]))
    # then
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="user.login_unlocked").exists()


BURST = 40


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_concurrent_wrong_passwords_checks_exactly_the_limit(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sessions need PostgreSQL (the SQLite test database is shared "
                    "in memory); SQLite serialises writers with IMMEDIATE transactions")
    # given: real Argon2, so that checking a password takes time, as in production
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user_with_role("unit_clerk", username="clerk")
    limit = settings.LOGIN_FAILURE_LIMIT
    start = threading.Barrier(BURST)
    outcomes: list[int] = []
    right: dict[str, object] = {}

    def wrong_password():
        try:
            start.wait()
            outcomes.append(_login(Client(), "clerk", "wrong").status_code)
        finally:
            connection.close()

    def right_password():
        # Sent while the burst is on, once the limit's worth of attempts were admitted.
        try:
            deadline = time.monotonic() + 30
            while LoginAttempt.objects.count() < limit and time.monotonic() < deadline:
                time.sleep(0.005)
            client = Client()
            right["response"] = _login(client, "clerk", TEST_PASSWORD)
            right["signed_in"] = "_auth_user_id" in client.session
        finally:
            connection.close()

    threads = [threading.Thread(target=wrong_password) for _ in range(BURST)]
    threads.append(threading.Thread(target=right_password))
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then
    assert outcomes == [200] * BURST
    assert LoginAttempt.objects.count() == limit
    assert not LoginAttempt.objects.filter(succeeded=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == limit
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED).count() == 1
    assert right["signed_in"] is False
    assert "已暂时锁定" in right["response"].content.decode()
