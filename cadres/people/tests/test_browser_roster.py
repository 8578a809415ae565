"""In the browser: sign in, import the township roster through the page — a background job
checks it, the page shows the progress bar and the preview, the confirmed import runs as a
second job to its result — then find a cadre and open his card."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from cadres.jobs.testing import DATABASE_QUEUE, HeldJobPolls, run_worker
from cadres.people.tests.factories import TOWNSHIP_ROSTER

FIXTURE = TOWNSHIP_ROSTER
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_the_roster_with_progress_then_find_and_open_a_person(
    page, live_server, django_user_model, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.VAR_DIR = tmp_path
    settings.TASKS = DATABASE_QUEUE
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    django_user_model.objects.create_superuser(
        username="officer", password="officer-pass-123", email="officer@example.invalid",
        full_name="组工干部",
    )
    polls = HeldJobPolls(page)

    # given: signed in through the login form, which leads on to the import page
    page.goto(live_server.url + reverse("people:roster_import"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill("officer-pass-123")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/people/import/$"))
    expect(page.locator(".account-name")).to_have_text("组工干部")

    # when: the roster is uploaded
    page.set_input_files("input[type=file]", str(FIXTURE))
    page.get_by_role("button", name="上传并检查").click()

    # then: its check waits on the queue, with a progress bar
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    body = page.locator("#job-body")
    expect(body).to_have_attribute("data-status", "waiting")
    expect(body.locator("progress")).to_be_visible()
    expect(body).to_contain_text("等待中")
    page.screenshot(path=str(SCREENSHOTS / "roster-import-1-waiting.png"), full_page=True)

    # when: the worker runs the check
    polls.hold(page)
    run_worker()
    polls.release()

    # then: the page, polling, shows the preview
    expect(body).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.locator('[data-count="created"]')).to_have_text("381")
    expect(page.locator("#import-preview")).to_contain_text("尚未写入任何数据")
    expect(page.locator("td.mono").first).to_have_text(re.compile(r"^\d{6}\*{8}\d{3}[\dX]$"))
    page.screenshot(path=str(SCREENSHOTS / "roster-import-2-preview.png"), full_page=True)

    # when: the import is confirmed, and the worker runs it
    page.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(body).to_have_attribute("data-status", "waiting")
    expect(body.locator("progress")).to_be_visible()
    polls.hold(page)
    run_worker()
    polls.release()

    # then: the result, and the roster lists everyone
    expect(body).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.locator("#import-result")).to_contain_text("新增 381 人")
    page.screenshot(path=str(SCREENSHOTS / "roster-import-3-result.png"), full_page=True)
    page.get_by_role("link", name="查看干部名册").click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.locator(".results-count")).to_contain_text("共 381 人")
    page.wait_for_load_state()  # (htmx, a deferred script, listens from then on)

    # when: searching by name (htmx replaces the results as one types)
    page.get_by_label("姓名").fill("林颖刚")

    # then: only he is listed, and the address keeps the search
    rows = page.locator("#roster-results tbody tr")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E6%9E%97"))

    # when: opening his card
    rows.get_by_role("link", name="林颖刚").click()

    # then
    expect(page.get_by_role("heading", name=re.compile("林颖刚"))).to_be_visible()
    card = page.locator(".card-grid")
    expect(card).to_contain_text("330381********8810")
    expect(card).to_contain_text("临江市/凤卧镇")

    # when: registering a read of the full file (查阅登记) with its purpose
    page.get_by_role("link", name="查阅完整档案").click()
    page.get_by_label("查阅用途").select_option("考核考察任免")
    page.get_by_label("事由说明").fill("2026年度干部考察")
    page.get_by_role("button", name="登记并查阅").click()

    # then: the full number shows
    expect(page.locator(".card-grid")).to_contain_text("330381195110088810")
