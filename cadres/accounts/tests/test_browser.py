"""Signing in through the real pages in chromium."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadres.accounts.testing import TEST_PASSWORD, person_in, unit_tree, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_unit_clerk_sees_only_her_unit_and_not_another_units_person(live_server, page):
    # given
    units = unit_tree()
    person_in(units["east"], "东镇甲")
    outsider = person_in(units["west"], "西镇乙")
    user_with_role("unit_clerk", username="clerk", maintained=[units["east"]])
    # when
    _sign_in(page, live_server, "clerk")
    page.wait_for_url(f"{live_server.url}/people/**")
    roster = page.content()
    response = page.goto(f"{live_server.url}/people/{outsider.pk}/")
    # then
    assert "东镇甲" in roster
    assert "西镇乙" not in roster
    assert response.status == 404


def test_officer_signs_in_with_a_totp_code(live_server, page):
    # given
    units = unit_tree()
    officer = user_with_role("cadre_office", username="officer2", managed=[units["county"]])
    device = TOTPDevice.objects.create(user=officer, name="动态口令", confirmed=True)
    # when
    _sign_in(page, live_server, "officer2")
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/**")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("动态口令").fill(f"{code:06d}")
    page.get_by_role("button", name="验证").click()
    # then
    page.wait_for_url(f"{live_server.url}/people/**")
    assert page.get_by_role("button", name="退出").is_visible()


def test_login_page_runs_under_the_content_security_policy(live_server, page):
    # given
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    # when
    response = page.goto(f"{live_server.url}/accounts/login/")
    # then
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert violations == []
