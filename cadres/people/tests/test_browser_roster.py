"""In the browser: sign in, import the township roster through the page, find a cadre, open
his card."""

import re

import pytest
from django.urls import reverse

from cadres.people.tests.factories import TOWNSHIP_ROSTER

FIXTURE = TOWNSHIP_ROSTER


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_the_roster_then_find_and_open_a_person(
    page, live_server, django_user_model, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.VAR_DIR = tmp_path
    django_user_model.objects.create_superuser(
        username="officer", password="officer-pass-123", email="officer@example.invalid",
        full_name="组工干部",
    )

    # given: signed in through the login form, which leads on to the import page
    page.goto(live_server.url + reverse("people:roster_import"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill("officer-pass-123")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/people/import/$"))
    expect(page.locator(".account-name")).to_have_text("组工干部")

    # given: the roster uploaded and checked
    page.set_input_files("input[type=file]", str(FIXTURE))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", name=re.compile("导入预览"))).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("381")

    # when: the import is confirmed
    page.get_by_role("button", name="确认导入").click()

    # then: the roster shows everyone
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.get_by_role("status")).to_contain_text("新增 381 人")
    expect(page.locator(".results-count")).to_contain_text("共 381 人")

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
