"""A 票决 in the browser from 签到 to the released result: the officer signs people in, prints
the slips (codes read from the PDF), opens the vote; voters cast on a phone-sized page; the
scrutineer closes, counts and releases. Screenshots go to var/screenshots/."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings

from cadres.ballots import services
from cadres.ballots.models import Ballot, VoteStatus

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CODE_PATTERN = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ballots-{name}.png"), full_page=True)


def confirm(page, url: str, button: str) -> None:
    page.goto(url)
    page.get_by_label("我已核对，确认执行").check()
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/ballots/\d+/$"))


def test_a_decision_vote_from_sign_in_to_the_released_result(signed_in_page, live_server):
    from pypdf import PdfReader

    page = signed_in_page
    vote = services.vote_create(actor=None, kind="decision", title="县委常委会干部任用票决", expected_count=5,
                                options=[{"name": "张三", "description": "拟任县财政局局长"},
                                         {"name": "李四", "description": "拟任县教育局局长"}])
    services.vote_freeze(actor=None, vote=vote)
    base = f"{live_server.url}/ballots/{vote.pk}"

    # 签到: four of five members present
    page.goto(f"{base}/attendance/")
    page.get_by_label("手工签到").fill("赵一 县委\n钱二 县委\n孙三 县政府\n李五 县人大")
    page.get_by_role("button", name="签到").click()
    page.wait_for_load_state()
    assert page.locator("#present-count").inner_text() == "4"
    shot(page, "1-attendance")

    # the slips: the codes exist only in this PDF
    page.goto(f"{base}/")
    page.get_by_label("生成数量").fill("5")
    with page.expect_download() as download:
        page.get_by_role("button", name="生成并下载投票码（PDF）").click()
    pdf = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    codes = CODE_PATTERN.findall(text)
    assert len(set(codes)) == 5 and "县委常委会干部任用票决" in text

    confirm(page, f"{base}/open/", "开始投票")
    assert "投票进行中" in page.locator("#next-step").inner_text()
    shot(page, "2-open")

    # the voters, on a phone, without an account
    voter = page.context.browser.new_context(locale="zh-CN")
    phone = voter.new_page()
    phone.set_viewport_size(PHONE)
    choices = [("yes", "yes"), ("yes", "no"), ("yes", "abstain"), ("no", "yes")]
    receipts = []
    for number, (first, second) in enumerate(choices):
        phone.goto(f"{live_server.url}/ballots/v/{vote.pk}/")
        if number == 0:
            shot(phone, "3-voter-code")
        phone.get_by_label("请输入您抽到的投票码").fill(codes[number].lower())
        phone.get_by_role("button", name="下一步").click()
        assert codes[number] not in phone.url
        label = {"yes": "同意", "no": "不同意", "abstain": "弃权"}
        phone.locator("fieldset", has_text="张三").get_by_role("radio", name=label[first], exact=True).check()
        if number == 0:
            # an incomplete ballot is refused in Chinese, what was chosen is kept
            phone.get_by_role("button", name="提交选票").click()
            assert "尚未选择：李四" in phone.locator("#voter-error").inner_text()
            shot(phone, "4-voter-invalid")
        phone.locator("fieldset", has_text="李四").get_by_role("radio", name=label[second], exact=True).check()
        if number == 0:
            shot(phone, "5-voter-ballot")
        phone.get_by_role("button", name="提交选票").click()
        receipt = phone.locator("#receipt").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{8}", receipt)
        receipts.append(receipt)
        if number == 0:
            shot(phone, "6-voter-receipt")
            # the browser resends the same form: the same receipt, no second ballot
            phone.reload()
            assert phone.locator("#receipt").inner_text() == receipt
    # a used code
    phone.goto(f"{live_server.url}/ballots/v/{vote.pk}/")
    phone.get_by_label("请输入您抽到的投票码").fill(codes[0])
    phone.get_by_role("button", name="下一步").click()
    assert "已经使用过" in phone.locator("#voter-error").inner_text()
    shot(phone, "7-voter-used")
    assert Ballot.objects.filter(vote=vote).count() == 4
    assert sorted(receipts) == sorted(Ballot.objects.filter(vote=vote).values_list("receipt", flat=True))

    # the projection: only 已投 n / 发出 m
    page.goto(f"{base}/projection/")
    assert page.locator("#cast").inner_text() == "4" and page.locator("#issued").inner_text() == "4"
    assert "张三" not in page.content()
    shot(page, "8-projection")

    # the scrutineers: close, count, release
    confirm(page, f"{base}/close/", "结束投票（封箱）")
    confirm(page, f"{base}/count/", "计票")
    confirm(page, f"{base}/release/", "公布结果")
    vote.refresh_from_db()
    assert vote.status == VoteStatus.RELEASED
    rows = page.locator("#result-table tbody tr")
    assert rows.nth(0).inner_text().split() == ["张三", "3", "1", "0", "通过"]
    assert rows.nth(1).inner_text().split() == ["李四", "2", "1", "1", "未通过"]
    assert page.locator("#ballot-digest").inner_text() == vote.digest
    shot(page, "9-released")
    phone.goto(f"{live_server.url}/ballots/v/{vote.pk}/")
    assert "投票已结束" in phone.locator("#voter-closed").inner_text()
    voter.close()
