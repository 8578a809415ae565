"""In the browser: a unit clerk adds a cadre, uploads and crops his photo, appoints him to a
concurrent post with a 文号, removes him from the old post, and sees each change in the card's
档案变更记录; the card prints without navigation or buttons."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from cadres.accounts.testing import unit_tree, user_with_role
from cadres.org.models import Assignment
from cadres.people.models import Person
from cadres.people.tests.factories import id_number

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def portrait_file(tmp_path: Path) -> Path:
    image = Image.new("RGB", (900, 700), (90, 120, 160))
    image.paste((230, 200, 180), (300, 100, 600, 500))
    path = tmp_path / "证件照.jpg"
    output = io.BytesIO()
    image.save(output, format="JPEG")
    path.write_bytes(output.getvalue())
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_add_a_cadre_photo_concurrent_post_and_removal_show_in_his_history(
    page, live_server, browser_sign_in, tmp_path
):
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    units = unit_tree()
    clerk = user_with_role("unit_clerk", maintained=[units["east"]], full_name="东镇信息员")
    browser_sign_in(clerk)

    # given: the new cadre form
    page.goto(live_server.url + reverse("people:person_create"))
    page.locator("#id_name").fill("周建国")
    page.locator("#id_sex").select_option("1")
    page.locator("#id_ethnicity").select_option("01")
    page.locator("#id_birth_date").fill("1982.07")
    page.locator("#id_id_number").fill(id_number("1982.07", "男", serial=41))
    page.locator("#id_birthplace").fill("青岚县东镇")
    page.locator("#id_political_status").select_option("01")
    page.locator("#id_health").fill("健康")
    page.locator("#id_unit").select_option(str(units["east"].pk))
    page.locator("#id_post_title").fill("副镇长")
    page.locator("#id_rank").select_option("0142")
    page.locator("#id_post_started_on").fill("2021.03")
    page.locator("#id_document").fill("东委〔2021〕8号")
    page.get_by_role("button", name="保存").click()

    # then: his card
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    expect(page.locator("h1")).to_contain_text("周建国")
    expect(page.locator(".info-card")).to_contain_text("青岚县东镇")
    person = Person.objects.get(name="周建国")

    # when: a photo is uploaded and its frame moved
    page.get_by_role("link", name="上传照片").click()
    page.wait_for_load_state()
    page.set_input_files("input[type=file]", str(portrait_file(tmp_path)))
    frame = page.locator("[data-crop-frame]")
    expect(frame).to_be_visible(timeout=15_000)  # the image decodes first; slow on a busy machine
    page.locator("[data-crop-size]").fill("60")
    page.locator("[data-crop-size]").dispatch_event("input")
    start_x = int(page.locator("[name=crop_x]").input_value())
    box = frame.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2 + 10, steps=5)
    page.mouse.up()
    assert int(page.locator("[name=crop_width]").input_value()) > 0
    assert int(page.locator("[name=crop_x]").input_value()) > start_x
    page.screenshot(path=str(SCREENSHOTS / "person-photo-crop.png"), full_page=True)
    page.get_by_role("button", name="上传").click()

    # then: shown on the card, through the checked view
    photo = page.locator(".photo-box img.person-photo")
    expect(photo).to_be_visible()
    served = page.request.get(live_server.url + photo.get_attribute("src"))
    assert served.status == 200 and served.headers["content-type"] == "image/jpeg", served.status
    page.wait_for_function("document.querySelector('.photo-box img').complete")
    assert page.evaluate("document.querySelector('.photo-box img').naturalWidth") == 300

    # when: appointed to a concurrent post with a 文号
    page.get_by_role("link", name="任职/兼任").click()
    page.get_by_label("兼任（其他职务不变）").check()
    page.locator("#id_unit").select_option(str(units["east_office"].pk))
    page.locator("#id_title").fill("党政办主任")
    page.locator("#id_rank").select_option("0142")
    page.locator("#id_started_on").fill("2025.01")
    page.locator("#id_document").fill("东委〔2025〕1号")
    page.get_by_role("button", name="任职").click()
    expect(page.locator(".messages")).to_contain_text("已兼任 某县/东镇/党政办 党政办主任（东委〔2025〕1号）")

    # when: removed from the old post
    old = Assignment.objects.get(person=person, title="副镇长")
    page.locator(f'tr[data-post="{old.pk}"]').get_by_role("link", name="免职").click()
    page.locator("#id_ended_on").fill("2025.02")
    page.locator("#id_document").fill("东委〔2025〕5号")
    page.get_by_role("button", name="免职").click()

    # then: the concurrent post is now his main post, and his history shows every change
    expect(page.locator(".subtitle").first).to_contain_text("党政办主任")
    history = page.locator("#history")
    for text in ("新增干部", "更换照片", "任职", "文号：东委〔2025〕1号", "免职", "文号：东委〔2025〕5号"):
        expect(history).to_contain_text(text)
    expect(page.locator("#posts")).to_contain_text("东委〔2021〕8号")
    page.screenshot(path=str(SCREENSHOTS / "person-card-after-appointments.png"), full_page=True)

    # and on paper: no navigation bar, buttons or change history
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#history")).to_be_hidden()
    expect(page.get_by_role("link", name="修改基本信息")).to_be_hidden()
    expect(page.locator(".info-card")).to_be_visible()
