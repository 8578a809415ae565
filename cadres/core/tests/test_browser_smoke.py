"""Proves the Playwright fixtures of the root conftest.py: chromium reaches live_server."""

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse


def test_live_server_answers_the_browser(live_server, page):
    response = page.goto(f"{live_server.url}/no-such-page/")

    assert response is not None
    assert response.status == 404


def test_anonymous_visitor_is_sent_to_login(live_server, page):
    login_path = reverse("accounts:login")

    page.goto(f"{live_server.url}/")

    assert page.url.split("?")[0] == f"{live_server.url}{login_path}"
    assert page.locator("form input[type=password]").count() == 1


def test_signed_in_page_carries_the_officer_session(live_server, signed_in_page):
    cookies = {c["name"]: c for c in signed_in_page.context.cookies(live_server.url)}
    session_key = cookies[settings.SESSION_COOKIE_NAME]["value"]
    session = SessionStore(session_key=session_key)
    assert session.get("_auth_user_id") is not None


def test_signed_in_officer_is_not_sent_to_login(live_server, signed_in_page):
    login_path = reverse("accounts:login")
    signed_in_page.goto(f"{live_server.url}/")

    assert not signed_in_page.url.startswith(f"{live_server.url}{login_path}")
    assert signed_in_page.url.split("?")[0] == f"{live_server.url}{reverse('people:roster')}"


def test_sign_in_takes_any_user(live_server, browser_sign_in, django_user_model):
    user = django_user_model.objects.create_user(username="clerk", password="x-pass-12345")

    page = browser_sign_in(user)
    page.goto(f"{live_server.url}/no-such-page/")

    cookies = {c["name"]: c["value"] for c in page.context.cookies(live_server.url)}
    session = SessionStore(session_key=cookies[settings.SESSION_COOKIE_NAME])
    assert session.get("_auth_user_id") == str(user.pk)
