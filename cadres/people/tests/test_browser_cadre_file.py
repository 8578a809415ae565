"""The whole cadre file in the browser, as issue #10 asks: a cadre officer adds a cadre, uploads
his photo, adds 简历 entries, a 奖惩, two years of 年度考核 and two family members, appoints him
to a concurrent post with a 文号, removes him from the old one, and sees each change in his
档案变更记录 and in the structure report (today, and at a date between the two posts)."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from cadres.accounts.testing import unit_tree
from cadres.org.models import Assignment
from cadres.people.models import Person
from cadres.people.tests.factories import id_number

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def portrait(tmp_path: Path) -> Path:
    image = Image.new("RGB", (800, 1000), (70, 110, 150))
    image.paste((230, 205, 185), (250, 200, 550, 650))
    output = io.BytesIO()
    image.save(output, format="JPEG")
    path = tmp_path / "照片.jpg"
    path.write_bytes(output.getvalue())
    return path


def structure_total(page, base_url: str, unit_id: int, as_of: str, *, team_members_only: bool) -> str:
    query = f"?unit={unit_id}&as_of={as_of}" + ("&team_members_only=on" if team_members_only else "")
    page.goto(base_url + reverse("analytics:structure") + query)
    return page.locator("#structure-total").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_whole_cadre_file_is_kept_in_the_browser(signed_in_page, live_server, tmp_path):
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    units = unit_tree()
    page = signed_in_page

    # 1. a new cadre: 东镇副镇长 (a team member) from 2021.03
    page.goto(live_server.url + reverse("people:roster"))
    page.get_by_role("link", name="新增干部").click()
    page.locator("#id_name").fill("周建国")
    page.locator("#id_sex").select_option("1")
    page.locator("#id_ethnicity").select_option("01")
    page.locator("#id_birth_date").fill("1982.07")
    page.locator("#id_id_number").fill(id_number("1982.07", "男", serial=41))
    page.locator("#id_political_status").select_option("01")
    page.locator("#id_unit").select_option(str(units["east"].pk))
    page.locator("#id_post_title").fill("副镇长")
    page.locator("#id_rank").select_option("0142")
    page.locator("#id_is_team_member").check()
    page.locator("#id_post_started_on").fill("2021.03")
    page.locator("#id_document").fill("东委〔2021〕8号")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    person = Person.objects.get(name="周建国")
    card_url = page.url

    # 2. his photo
    page.get_by_role("link", name="上传照片").click()
    page.set_input_files("input[type=file]", str(portrait(tmp_path)))
    page.get_by_role("button", name="上传").click()
    expect(page.locator(".photo-box img.person-photo")).to_be_visible()

    # 3. 简历 entries before the records began, one with a 其间 note
    records_url = live_server.url + reverse("records:person_records", args=[person.pk])
    for start, end, text, note in (("1999.09", "2003.07", "江西财经大学经济学专业学习", ""),
                                   ("2003.07", "2021.03", "青岚县东镇农业综合服务中心工作",
                                    "2015.09--2018.07在江西省委党校在职研究生班学习")):
        page.goto(records_url)
        page.locator("#records-resume").get_by_role("link", name="新增简历").click()
        page.get_by_label("起始年月").fill(start)
        page.get_by_label("截止年月").fill(end)
        page.get_by_label("经历内容").fill(text)
        page.get_by_label("其间情况").fill(note)
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".message-success")).to_have_text("已新增简历")

    # 4. a 奖惩
    page.locator("#records-award").get_by_role("link", name="新增奖惩").click()
    page.get_by_label("类别").select_option(label="奖励")
    page.get_by_label("名称").fill("嘉奖")
    page.get_by_label("批准日期").fill("2023-01-20")
    page.get_by_label("批准机关").fill("中共青岚县委")
    page.get_by_label("文号").fill("青委〔2023〕3号")
    page.get_by_role("button", name="保存").click()

    # 5. two years of 年度考核
    for year, grade in (("2023", "优秀"), ("2024", "称职")):
        page.locator("#records-assessment").get_by_role("link", name="新增年度考核").click()
        page.get_by_label("年度").fill(year)
        page.get_by_label("考核结果").select_option(label=grade)
        page.get_by_role("button", name="保存").click()
    expect(page.locator("#records-assessment tbody tr")).to_have_count(2)

    # 6. two family members, after registering a read of the file (查阅登记)
    page.locator("#records-family").get_by_role("link", name="登记查阅家庭成员").click()
    page.get_by_label("查阅用途").select_option("日常管理")
    page.get_by_label("事由说明").fill("录入家庭成员")
    page.get_by_role("button", name="登记并查阅").click()
    for relation, name, birth in (("妻子", "李秀兰", "1984.03"), ("儿子", "周小明", "2010.05")):
        page.goto(records_url)
        page.locator("#records-family").get_by_role("link", name="新增家庭成员").click()
        page.get_by_label("称谓").fill(relation)
        page.get_by_label("姓名").fill(name)
        page.get_by_label("出生年月").fill(birth)
        page.get_by_label("政治面貌").select_option(label="群众")
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".message-success")).to_have_text("已新增家庭成员")
    expect(page.locator("#records-family tbody tr")).to_have_count(2)

    # 7. appointed to a concurrent post with a 文号, then removed from the old one
    page.goto(card_url)
    page.get_by_role("link", name="任职/兼任").click()
    page.get_by_label("兼任（其他职务不变）").check()
    page.locator("#id_unit").select_option(str(units["east_office"].pk))
    page.locator("#id_title").fill("党政办主任")
    page.locator("#id_rank").select_option("0142")
    page.locator("#id_started_on").fill("2025.01")
    page.locator("#id_document").fill("东委〔2025〕1号")
    page.get_by_role("button", name="任职").click()
    old = Assignment.objects.get(person=person, title="副镇长")
    page.locator(f'tr[data-post="{old.pk}"]').get_by_role("link", name="免职").click()
    page.locator("#id_ended_on").fill("2025.06")
    page.locator("#id_document").fill("东委〔2025〕9号")
    page.get_by_role("button", name="免职").click()

    # then: every change is in his 档案变更记录, with its document
    page.goto(card_url)
    history = page.locator("#history")
    for text in ("新增干部", "更换照片", "新增简历", "新增奖惩", "新增年度考核", "新增家庭成员",
                 "文号：东委〔2025〕1号", "文号：东委〔2025〕9号"):
        expect(history).to_contain_text(text)
    expect(history).to_contain_text("姓名：李秀兰")  # the registered read is open: shown in full
    resume = page.locator(".resume-line")
    expect(resume.first).to_contain_text("1999.09--2003.07")
    expect(page.locator("body")).to_contain_text("其间")
    page.screenshot(path=str(SCREENSHOTS / "cadre-file-card.png"), full_page=True)

    # and in the structure report: counted in 东镇 today, no longer in its team; a team member
    # there at a date between the two posts; nowhere before his first post
    base = live_server.url
    east = units["east"].pk
    assert structure_total(page, base, east, "2026-01-01", team_members_only=False) == "1"
    assert structure_total(page, base, east, "2026-01-01", team_members_only=True) == "0"
    assert structure_total(page, base, east, "2025-03-01", team_members_only=True) == "1"
    assert structure_total(page, base, east, "2020-12-31", team_members_only=False) == "0"
    page.screenshot(path=str(SCREENSHOTS / "cadre-file-structure.png"), full_page=True)
