"""Project-wide pytest fixtures: Playwright for Python driving Debian's chromium.

Fixtures:
- ``browser``: one headless chromium for the whole session (``/usr/bin/chromium``).
- ``page``: a fresh browser context and page for each test (a failed test leaves a screenshot
  in var/test-screenshots/).
- ``signed_in_page``: ``page`` signed in at ``live_server`` as the superuser ``officer``.
- ``browser_sign_in``: ``browser_sign_in(user)`` signs ``page`` in as any user (one with a
  role, say) and returns it.
- ``officer``: the superuser ``officer``; ``signed_in``: Django's test client signed in as him.
  A module that needs another officer defines its own fixture of that name.

Tests that use any of them are marked ``browser`` automatically, so
``pytest -m "not browser"`` runs the suite without chromium.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CADRES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long to wait for chromium when apt is still installing it (see /tmp/apt.log).
CHROMIUM_WAIT_SECONDS = int(os.environ.get("CADRES_CHROMIUM_WAIT", "600"))

# Screenshots of the page of each failed browser test.
SCREENSHOT_DIR = Path(__file__).resolve().parent / "var" / "test-screenshots"

OFFICER_USERNAME = "officer"
OFFICER_PASSWORD = "officer-pass-123"

BROWSER_FIXTURES = {"browser", "page", "signed_in_page", "browser_sign_in", "playwright_instance"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keep each phase's report on the test, so `page` can tell whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def _wait_for_chromium() -> str:
    deadline = time.monotonic() + CHROMIUM_WAIT_SECONDS
    while True:
        if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
            return CHROMIUM
        if time.monotonic() > deadline:
            pytest.fail(
                f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)",
                pytrace=False,
            )
        time.sleep(5)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread from here to the
    # end of the session; Django refuses ORM calls while a loop runs unless told otherwise.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    executable = _wait_for_chromium()
    browser = playwright_instance.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh context and page; when the test fails, a screenshot goes to SCREENSHOT_DIR."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
        try:
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
        except Exception as error:  # noqa: BLE001 - a screenshot must never hide the failure
            warnings.warn(f"no screenshot of the failed test: {error}", stacklevel=1)
    context.close()


@pytest.fixture
def browser_sign_in(live_server: Any, page: Any) -> Any:
    """``browser_sign_in(user)`` gives ``page`` a session of that user at ``live_server``."""
    from django.conf import settings
    from django.test import Client

    def sign_in_as(user: Any) -> Any:
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                    "httpOnly": True,
                }
            ]
        )
        return page

    return sign_in_as


@pytest.fixture
def signed_in_page(
    live_server: Any, page: Any, django_user_model: Any, browser_sign_in: Any
) -> Any:
    """``page`` with a session cookie for the superuser ``officer`` at ``live_server``."""
    user = django_user_model.objects.create_superuser(
        username=OFFICER_USERNAME,
        password=OFFICER_PASSWORD,
        email="officer@example.invalid",
        full_name="组工干部",
        must_change_password=False,
    )
    return browser_sign_in(user)


@pytest.fixture
def officer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser(
        username=OFFICER_USERNAME, password=OFFICER_PASSWORD, email="officer@example.invalid",
    )


@pytest.fixture
def signed_in(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


# The data the migrations seed, by module: a transactional test (live_server) starts after
# another one's flush, which removed it.
MIGRATION_DEFAULTS = (
    "cadres.plans.migrations.0002_default_age_limits",
    "cadres.cases.migrations.0002_default_rules",
    "cadres.assessments.migrations.0002_default_rules",
    "cadres.alerts.migrations.0002_default_rules",
    "cadres.alerts.migrations.0003_exchange_share_rule",
    "cadres.reserves.migrations.0003_reserve_rules",
    "cadres.supervision.migrations.0002_default_rules",
    "cadres.cases.migrations.0004_training_rule_params",
    "cadres.cases.migrations.0006_business_avoidance_rule",
)


def migration_defaults_load() -> None:
    import importlib

    from django.apps import apps

    for module in MIGRATION_DEFAULTS:
        importlib.import_module(module).add_defaults(apps, None)


@pytest.fixture(autouse=True)
def _migration_defaults_after_flush(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        migration_defaults_load()
