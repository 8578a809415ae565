"""Pages of one cadre's file: 新增干部, 基本信息, photo, 任免, and the card's buttons and print CSS."""

import datetime as dt
import io

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent
from cadres.org.models import Assignment, PostSource
from cadres.org.services import PostAction
from cadres.people.models import Person
from cadres.people.services import PHOTO_SIZE, PersonFileAction
from cadres.people.tests.factories import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return unit_tree()


@pytest.fixture
def clerk(units):
    return user_with_role("unit_clerk", maintained=[units["east"]])


@pytest.fixture
def zhang(units):
    return person_in(units["east"], "张三", post_title="副镇长", post_started_on=dt.date(2019, 6, 1))


@pytest.fixture
def clerk_client(client, clerk):
    return sign_in(client, clerk)


def jpeg(width=600, height=800) -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (120, 140, 160)).save(output, format="JPEG")
    return SimpleUploadedFile("证件照.jpg", output.getvalue(), content_type="image/jpeg")


def person_fields(**overrides):
    """A valid 基本信息 form of a man born 1980.05."""
    fields = {
        "name": "王小明", "sex": "1", "ethnicity": "01", "birth_date": "1980.05",
        "id_number": id_number("1980.05", "男", serial=33), "native_place": "浙江青岚",
        "birthplace": "青岚县城关镇", "political_status": "01", "party_joined_on": "2003.06",
        "work_started_on": "2002.08", "health": "健康", "full_time_education": "20",
        "full_time_degree": "4", "full_time_education_school": "浙江大学土木工程专业",
        "full_time_degree_school": "", "in_service_education": "", "in_service_degree": "",
        "in_service_education_school": "", "in_service_degree_school": "",
        "professional_title": "工程师", "expertise": "水利工程", "rank_started_on": "",
        "reserve_pool": "", "sort_order": "5", "remarks": "",
    }
    fields.update(overrides)
    return fields


def events(person, action):
    return list(AuditEvent.objects.filter(subject_type="people.person", subject_id=str(person.pk), action=action)
                .order_by("id"))


# 新增干部 --------------------------------------------------------------------------------------


def test_a_clerk_adds_a_cadre_with_the_first_post(clerk_client, units):
    # when
    response = clerk_client.post(reverse("people:person_create"), {
        **person_fields(), "unit": units["east_office"].pk, "post_title": "主任", "rank": "0142",
        "is_team_member": "", "post_started_on": "2024.03", "document": "东组〔2024〕3号",
    })
    # then
    person = Person.objects.get(name="王小明")
    assert response.status_code == 302 and response.url == person.get_absolute_url()
    assert (person.unit, person.post_title, person.rank) == (units["east_office"], "主任", "0142")
    assert (person.birthplace, person.health, person.expertise) == ("青岚县城关镇", "健康", "水利工程")
    assert person.sort_order == 5
    assert person.highest_education == "20" and person.name_initials == "wxm"
    post = Assignment.objects.get(person=person)
    assert (post.start_document, post.source, post.is_main) == ("东组〔2024〕3号", PostSource.FORM, True)
    [created] = events(person, AuditAction.PERSON_CREATED)
    assert created.changes["document"] == "东组〔2024〕3号"


def test_a_cadre_cannot_be_added_to_a_unit_outside_the_maintain_scope(clerk_client, units):
    # when
    response = clerk_client.post(reverse("people:person_create"), {
        **person_fields(), "unit": units["west"].pk, "post_title": "主任", "rank": "0142",
        "post_started_on": "2024.03", "document": "",
    })
    # then
    assert response.status_code == 200
    assert "所选单位不在您的信息维护范围内" in response.content.decode()
    assert not Person.objects.filter(name="王小明").exists()


def test_the_add_form_names_each_bad_field_in_chinese(clerk_client, units):
    # when
    response = clerk_client.post(reverse("people:person_create"), {
        **person_fields(birth_date="1980.13", id_number="330326198005013X"), "unit": units["east"].pk,
        "post_title": "", "rank": "",
    })
    # then
    html = response.content.decode()
    assert "“1980.13”不是有效的年月" in html
    assert "身份证号“330326198005013X”无效：应为18位" in html
    assert "（请选择）" in html and "---------" not in html
    assert not Person.objects.filter(name="王小明").exists()


def test_users_without_people_change_cannot_add(client, units):
    viewer = user_with_role("inspection", managed=[units["east"]])
    sign_in(client, viewer)
    assert client.get(reverse("people:person_create")).status_code == 403


# 基本信息 ------------------------------------------------------------------------------------


def test_editing_the_basic_information_writes_and_audits_each_field(clerk_client, zhang):
    # given
    form = clerk_client.get(reverse("people:person_edit", args=[zhang.pk]))
    assert form.status_code == 200 and "现任职务通过干部信息卡上的“任免”办理" in form.content.decode()
    # when
    response = clerk_client.post(reverse("people:person_edit", args=[zhang.pk]), person_fields(
        name="张三", birth_date="1980.05", id_number=id_number("1980.05", "男"), sort_order="2",
    ))
    # then
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.birthplace, zhang.health, zhang.sort_order) == ("青岚县城关镇", "健康", 2)
    [event] = events(zhang, AuditAction.PERSON_UPDATED)
    assert event.changes["birthplace"] == ["", "青岚县城关镇"]
    assert event.changes["highest_education"] == ["", "20"]
    card = clerk_client.get(zhang.get_absolute_url()).content.decode()
    history = card[card.index('id="history"'):]
    assert "修改干部信息" in history and "出生地" in history and "青岚县城关镇" in history


def test_the_edit_form_keeps_a_hidden_id_number_when_left_empty(clerk_client, zhang):
    # given: a number on record, the file not opened (查阅登记): the box is empty
    Person.objects.filter(pk=zhang.pk).update(id_number=id_number("1980.05", "男"))
    page = clerk_client.get(reverse("people:person_edit", args=[zhang.pk])).content.decode()
    assert id_number("1980.05", "男") not in page
    # when
    clerk_client.post(reverse("people:person_edit", args=[zhang.pk]),
                      person_fields(name="张三", id_number=""))
    # then
    zhang.refresh_from_db()
    assert zhang.id_number == id_number("1980.05", "男")


def test_another_units_clerk_gets_404_and_writes_nothing(client, units, zhang):
    west_clerk = user_with_role("unit_clerk", maintained=[units["west"]])
    sign_in(client, west_clerk)
    url = reverse("people:person_edit", args=[zhang.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, person_fields(name="张三")).status_code == 404
    zhang.refresh_from_db()
    assert zhang.health == "" and events(zhang, AuditAction.PERSON_UPDATED) == []


def test_a_viewer_of_the_unit_cannot_edit_and_sees_no_edit_buttons(client, units, zhang):
    viewer = user_with_role("unit_clerk", managed=[units["east"]])
    sign_in(client, viewer)
    card = client.get(zhang.get_absolute_url()).content.decode()
    assert "修改基本信息" not in card and "任职/兼任" not in card and "上传照片" not in card
    assert client.get(reverse("people:person_edit", args=[zhang.pk])).status_code == 404


def test_the_card_shows_edit_buttons_to_the_maintainer(clerk_client, zhang):
    card = clerk_client.get(zhang.get_absolute_url()).content.decode()
    for text in ("修改基本信息", "任职/兼任", "上传照片", "免职", "变更职务层次"):
        assert text in card, text


# photo ---------------------------------------------------------------------------------------


def upload_photo(client, person, upload=None, **crop):
    return client.post(reverse("people:person_photo_upload", args=[person.pk]),
                       {"photo": upload or jpeg(), **crop})


def test_a_photo_is_uploaded_cropped_and_served_privately(clerk_client, zhang):
    # when
    response = upload_photo(clerk_client, zhang, crop_x="0", crop_y="0", crop_width="400")
    # then
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.photo.name.startswith("photos/")
    served = clerk_client.get(reverse("people:person_photo", args=[zhang.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "private" in served["Cache-Control"]
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert image.size == PHOTO_SIZE and image.size[0] * 5 == image.size[1] * 4
    card = clerk_client.get(zhang.get_absolute_url()).content.decode()
    assert reverse("people:person_photo", args=[zhang.pk]) in card and "更换照片" in card
    assert len(events(zhang, PersonFileAction.PHOTO_SET)) == 1


def test_a_file_that_is_no_picture_is_refused_in_chinese(clerk_client, zhang):
    response = upload_photo(clerk_client, zhang, SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a picture"))
    assert response.status_code == 200
    assert "文件不是有效的图片，请上传 JPG 或 PNG 格式的照片" in response.content.decode()
    zhang.refresh_from_db()
    assert not zhang.photo


def test_the_photo_of_a_person_outside_the_scope_is_404(client, clerk_client, units, zhang):
    upload_photo(clerk_client, zhang)
    url = reverse("people:person_photo", args=[zhang.pk])
    west_clerk = user_with_role("unit_clerk", maintained=[units["west"]])
    client.logout()
    sign_in(client, west_clerk)
    assert client.get(url).status_code == 404
    assert client.post(reverse("people:person_photo_upload", args=[zhang.pk]), {"photo": jpeg()}).status_code == 404


def test_removing_the_photo_asks_first(clerk_client, zhang, django_capture_on_commit_callbacks):
    # given
    upload_photo(clerk_client, zhang)
    zhang.refresh_from_db()
    name = zhang.photo.name
    url = reverse("people:person_photo_remove", args=[zhang.pk])
    # when: the link opens a confirmation, which deletes nothing
    page = clerk_client.get(url)
    assert "确认删除" in page.content.decode()
    zhang.refresh_from_db()
    assert zhang.photo.name == name
    # when: confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(url)
    # then
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert not zhang.photo and not default_storage.exists(name)
    assert len(events(zhang, PersonFileAction.PHOTO_REMOVED)) == 1


# 任免 ----------------------------------------------------------------------------------------


def start_post(client, person, unit, **overrides):
    return client.post(reverse("people:person_post_start", args=[person.pk]), {
        "kind": "concurrent", "unit": unit.pk, "title": "党政办主任", "rank": "0142",
        "is_team_member": "", "started_on": "2025.01", "document": "东委〔2025〕1号", **overrides,
    })


def test_a_concurrent_post_keeps_the_main_post_open(clerk_client, units, zhang):
    # when
    response = start_post(clerk_client, zhang, units["east_office"])
    # then
    assert response.status_code == 302
    open_posts = Assignment.objects.filter(person=zhang, ended_on__isnull=True)
    assert sorted((post.title, post.is_main) for post in open_posts) == [("党政办主任", False), ("副镇长", True)]
    concurrent = open_posts.get(is_main=False)
    assert (concurrent.start_document, concurrent.source) == ("东委〔2025〕1号", PostSource.FORM)
    zhang.refresh_from_db()
    assert zhang.post_title == "副镇长"
    [event] = events(zhang, PostAction.POST_STARTED)
    assert event.changes["document"] == "东委〔2025〕1号"


def test_a_new_main_post_is_a_transfer(clerk_client, units, zhang):
    # when
    start_post(clerk_client, zhang, units["east_office"], kind="main", document="东委〔2025〕2号")
    # then
    old = Assignment.objects.get(person=zhang, title="副镇长")
    assert old.ended_on == dt.date(2025, 1, 1) and old.end_document == "东委〔2025〕2号"
    zhang.refresh_from_db()
    assert (zhang.unit_id, zhang.post_title) == (units["east_office"].pk, "党政办主任")


def test_a_post_in_a_unit_outside_the_scope_is_refused(clerk_client, units, zhang):
    # when
    response = start_post(clerk_client, zhang, units["west"])
    # then
    assert response.status_code == 200
    assert "所选单位不在您的信息维护范围内" in response.content.decode()
    assert Assignment.objects.filter(person=zhang).count() == 1
    assert events(zhang, PostAction.POST_STARTED) == []


def test_the_document_and_date_are_required(clerk_client, units, zhang):
    response = start_post(clerk_client, zhang, units["east_office"], document="", started_on="")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("这个字段是必填项") >= 2
    assert Assignment.objects.filter(person=zhang).count() == 1


def test_removal_from_the_old_post_makes_the_concurrent_one_main(clerk_client, units, zhang):
    # given
    start_post(clerk_client, zhang, units["east_office"])
    old = Assignment.objects.get(person=zhang, title="副镇长")
    # when
    response = clerk_client.post(reverse("people:person_post_end", args=[zhang.pk, old.pk]), {
        "ended_on": "2025.02", "document": "东委〔2025〕5号", "reason": "工作调整",
    })
    # then
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.ended_on, old.end_document) == (dt.date(2025, 2, 1), "东委〔2025〕5号")
    zhang.refresh_from_db()
    assert zhang.post_title == "党政办主任"
    [event] = events(zhang, PostAction.POST_ENDED)
    assert event.changes["document"] == "东委〔2025〕5号" and event.changes["reason"] == "工作调整"
    card = clerk_client.get(zhang.get_absolute_url()).content.decode()
    assert "东委〔2025〕5号" in card and "东委〔2025〕1号" in card


def test_a_removal_before_the_start_is_refused_in_chinese(clerk_client, zhang):
    post = Assignment.objects.get(person=zhang)
    response = clerk_client.post(reverse("people:person_post_end", args=[zhang.pk, post.pk]), {
        "ended_on": "2018.01", "document": "东委〔2018〕1号",
    })
    assert "免职时间不能早于任职时间 2019.06" in response.content.decode()
    post.refresh_from_db()
    assert post.ended_on is None


def test_rank_change_and_main_post(clerk_client, units, zhang):
    # given
    start_post(clerk_client, zhang, units["east_office"])
    concurrent = Assignment.objects.get(person=zhang, is_main=False)
    main = Assignment.objects.get(person=zhang, is_main=True)
    # when
    clerk_client.post(reverse("people:person_post_rank", args=[zhang.pk, main.pk]), {
        "rank": "0141", "changed_on": "2025.06", "document": "东委〔2025〕9号",
    })
    clerk_client.post(reverse("people:person_post_main", args=[zhang.pk, concurrent.pk]), {"document": ""})
    # then
    zhang.refresh_from_db()
    assert (zhang.post_title, zhang.rank) == ("党政办主任", "0142")
    assert Assignment.objects.get(person=zhang, title="副镇长", ended_on__isnull=True).rank == "0141"
    assert len(events(zhang, PostAction.POST_RANK_CHANGED)) == 1
    assert len(events(zhang, PostAction.POST_MADE_MAIN)) == 1


def test_a_post_in_another_units_scope_cannot_be_ended(client, units):
    # given: a cadre of the east township who also holds a post in the west one
    both = user_with_role("unit_clerk", maintained=[units["east"], units["west"]])
    east_only = user_with_role("unit_clerk", maintained=[units["east"]])
    person = person_in(units["east"], "赵六")
    sign_in(client, both)
    start_post(client, person, units["west"])
    west_post = Assignment.objects.get(person=person, unit=units["west"])
    client.logout()
    sign_in(client, east_only)
    # when
    response = client.post(reverse("people:person_post_end", args=[person.pk, west_post.pk]), {
        "ended_on": "2025.02", "document": "X",
    })
    # then
    assert response.status_code == 404
    west_post.refresh_from_db()
    assert west_post.ended_on is None


# print ---------------------------------------------------------------------------------------


def test_the_card_has_a_print_stylesheet_without_navigation_and_buttons(clerk_client, zhang):
    card = clerk_client.get(zhang.get_absolute_url()).content.decode()
    assert "people/card.css" in card and "data-print" in card
    css = open(finders.find("people/card.css"), encoding="utf-8").read()
    print_rules = css[css.index("@media print"):]
    for selector in (".topbar", ".btn", "form", ".no-print", "#history"):
        assert selector in print_rules.split("display: none")[0], selector


def test_dates_after_today_are_refused_on_the_card_forms_in_chinese(clerk_client, units, zhang):
    # given: next month, written as a clerk writes it
    from django.utils import timezone

    from cadres.core.dates import add_months
    later = add_months(timezone.localdate().replace(day=1), 1).strftime("%Y.%m")
    post = Assignment.objects.get(person=zhang)

    # when
    started = start_post(clerk_client, zhang, units["east_office"], started_on=later)
    ended = clerk_client.post(reverse("people:person_post_end", args=[zhang.pk, post.pk]),
                              {"ended_on": later, "document": "东委〔2026〕1号"})
    ranked = clerk_client.post(reverse("people:person_post_rank", args=[zhang.pk, post.pk]),
                               {"rank": "0141", "changed_on": later, "document": "东委〔2026〕2号"})
    edited = clerk_client.post(reverse("people:person_edit", args=[zhang.pk]), person_fields(
        name="张三", birth_date="1980.05", id_number=id_number("1980.05", "男"), party_joined_on=later))
    backdated = start_post(clerk_client, zhang, units["east_office"], kind="main", started_on="2018.01")

    # then: each names its field; nothing changed
    assert "任职时间不能晚于今天" in started.content.decode()
    assert "免职时间不能晚于今天" in ended.content.decode()
    assert "变动时间不能晚于今天" in ranked.content.decode()
    assert "入党时间不能晚于今天" in edited.content.decode()
    assert "任职时间不能早于现任主职的任职时间 2019.06" in backdated.content.decode()
    assert list(Assignment.objects.filter(person=zhang).values_list("ended_on", "rank")) == [(None, post.rank)]
