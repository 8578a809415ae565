"""The audit page and the card's 档案变更记录 in a real browser."""

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in, unit_tree
from cadres.audit.models import AuditAction
from cadres.audit.services import record, record_many


def _two_post_changes(person, units):
    imported = record(actor=None, action=AuditAction.ROSTER_IMPORTED,
                      target_label="2024年名册.xlsx",
                      changes={"file_name": "2024年名册.xlsx", "rows": 1})
    record_many(actor=None, action=AuditAction.PERSON_UPDATED, batch=imported, items=[
        (person, {"post_title": ["党委委员", "党委副书记"], "rank": ["0142", "0141"]}),
    ])
    record(actor=None, action=AuditAction.LOGIN_LOCKED, target=person,
           changes={"post_title": ["党委副书记", "党委书记"], "document": "县委干〔2025〕3号"})


@pytest.mark.browser
def test_the_action_column_keeps_its_label_on_one_line_and_verify_shows_the_result(
        live_server, signed_in_page):
    # given: a long action label in a narrow window
    units = unit_tree()
    person = person_in(units["east"], "王五")
    _two_post_changes(person, units)
    page = signed_in_page
    page.set_viewport_size({"width": 900, "height": 900})
    page.goto(f"{live_server.url}{reverse('audit:event_list')}?person={person.pk}")
    # when
    cell = page.locator("td.audit-action", has_text="登录失败次数过多").first
    # the rows the label's text takes (the cell itself is as tall as its row)
    lines = page.evaluate(
        "el => { const range = document.createRange(); range.selectNodeContents(el);"
        " return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }",
        cell.element_handle())
    page.get_by_role("button", name="校验").click()
    # then
    assert lines == 1
    assert "审计记录完整" in page.locator(".callout-ok").inner_text()
    assert "王五" in page.locator("h1").inner_text()  # the person filter is kept
    assert "党委副书记" in page.locator("table.audit-table").inner_text()


@pytest.mark.browser
def test_the_card_shows_the_change_history(live_server, signed_in_page):
    # given
    units = unit_tree()
    person = person_in(units["east"], "王五")
    _two_post_changes(person, units)
    page = signed_in_page
    # when
    page.goto(f"{live_server.url}{reverse('people:person_detail', args=[person.pk])}")
    # then
    history = page.locator("#history").inner_text()
    assert "档案变更记录" in history
    assert "党委委员" in history and "党委书记" in history
    assert "名册导入：2024年名册.xlsx" in history and "文号：县委干〔2025〕3号" in history
