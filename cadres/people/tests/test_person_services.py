"""Services of one cadre's file: person_update (基本信息) and the photo (person_photo_set/remove)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cadres.accounts.testing import person_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent
from cadres.audit.presentation import describe_events
from cadres.people.models import Person
from cadres.people.names import name_keys
from cadres.people.services import (
    PHOTO_SIZE,
    POST_FIELDS_REFUSED,
    PersonFileAction,
    PhotoCrop,
    PhotoRejected,
    person_photo_remove,
    person_photo_set,
    person_update,
    photo_process,
)
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
    return person_in(units["east"], "张三", full_time_education="30", highest_education="30")


def events_of(person, action=AuditAction.PERSON_UPDATED):
    return list(AuditEvent.objects.filter(subject_type="people.person", subject_id=str(person.pk),
                                          action=action).order_by("id"))


def picture(width=800, height=600, *, kind="JPEG", color=(200, 30, 30), exif_orientation=None) -> SimpleUploadedFile:
    """An uploaded picture: the left half red, the right half blue (so a crop can be seen)."""
    image = Image.new("RGB", (width, height), color)
    image.paste((20, 40, 220), (width // 2, 0, width, height))
    output = io.BytesIO()
    options = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "测试相机"  # Make: must not survive
        options["exif"] = exif.tobytes()
    image.save(output, format=kind, **options)
    suffix = "png" if kind == "PNG" else "jpg"
    return SimpleUploadedFile(f"photo.{suffix}", output.getvalue(), content_type=f"image/{suffix}")


# person_update ------------------------------------------------------------------------------


def test_update_writes_only_changed_fields_and_audits_each_old_to_new(clerk, zhang):
    # when
    person_update(actor=clerk, person=zhang, changes={
        "name": "张三", "birthplace": "青岚县城关镇", "health": "健康", "expertise": "水利工程",
        "full_time_education_school": "河海大学水利系水利工程专业", "sort_order": 3,
    })
    # then
    zhang.refresh_from_db()
    assert (zhang.birthplace, zhang.health, zhang.sort_order) == ("青岚县城关镇", "健康", 3)
    [event] = events_of(zhang)
    assert event.actor_id == clerk.pk and event.subject_label == "张三"
    assert event.changes == {
        "birthplace": ["", "青岚县城关镇"], "health": ["", "健康"], "expertise": ["", "水利工程"],
        "full_time_education_school": ["", "河海大学水利系水利工程专业"], "sort_order": [0, 3],
    }
    [entry] = describe_events([event], mask_sensitive=True)
    assert "出生地：（空） → 青岚县城关镇" in [str(line) for line in entry.lines]
    assert "排序号：0 → 3" in [str(line) for line in entry.lines]


def test_update_with_nothing_changed_writes_no_event(clerk, zhang):
    # when
    person_update(actor=clerk, person=zhang, changes={"name": "张三", "health": ""})
    # then
    assert events_of(zhang) == []


def test_update_recomputes_highest_education(clerk, zhang):
    # given: 大学本科 full-time only
    assert zhang.highest_education == "30"
    # when: an in-service 研究生
    person_update(actor=clerk, person=zhang, changes={"in_service_education": "10"})
    # then
    zhang.refresh_from_db()
    assert zhang.highest_education == "10"
    [event] = events_of(zhang)
    assert event.changes["highest_education"] == ["30", "10"]


def test_a_new_name_gets_new_name_keys(clerk, zhang):
    # when
    person_update(actor=clerk, person=zhang, changes={"name": "李四"})
    # then
    zhang.refresh_from_db()
    keys = name_keys("李四")
    assert (zhang.name_initials, zhang.name_strokes) == (keys["name_initials"], keys["name_strokes"])
    assert zhang.name_initials == "ls"
    [event] = events_of(zhang)
    assert event.changes == {"name": ["张三", "李四"]}


@pytest.mark.parametrize("field, value", [
    ("rank", "0131"), ("post_title", "局长"), ("unit", None), ("is_team_member", True),
    ("post_started_on", dt.date(2020, 1, 1)),
])
def test_the_current_post_is_refused(clerk, zhang, field, value):
    # when
    with pytest.raises(ValidationError) as raised:
        person_update(actor=clerk, person=zhang, changes={field: value, "health": "健康"})
    # then: nothing written
    assert raised.value.messages == [POST_FIELDS_REFUSED]
    zhang.refresh_from_db()
    assert zhang.health == ""
    assert events_of(zhang) == []


def test_a_person_outside_the_maintain_scope_is_refused(units, zhang):
    # given: a clerk of the other township, and one who only manages (views) the east one
    west_clerk = user_with_role("unit_clerk", maintained=[units["west"]])
    viewer = user_with_role("unit_clerk", managed=[units["east"]])
    for actor in (west_clerk, viewer):
        # when
        with pytest.raises(PermissionDenied):
            person_update(actor=actor, person=zhang, changes={"health": "健康"})
    # then
    zhang.refresh_from_db()
    assert zhang.health == ""
    assert events_of(zhang) == []


def test_an_id_number_that_disagrees_with_birth_or_sex_is_refused(clerk, zhang):
    # given: born 1980.05, 男
    with pytest.raises(ValidationError) as raised:
        person_update(actor=clerk, person=zhang, changes={"id_number": id_number("1981.05", "男")})
    assert "出生日期" in raised.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as raised:
        person_update(actor=clerk, person=zhang, changes={"id_number": id_number("1980.05", "女")})
    assert "性别" in raised.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as raised:
        person_update(actor=clerk, person=zhang, changes={"id_number": "330326198005011234"})
    assert "校验码错误" in raised.value.message_dict["id_number"][0]
    # when: a right one
    person_update(actor=clerk, person=zhang, changes={"id_number": id_number("1980.05", "男")})
    # then
    zhang.refresh_from_db()
    assert zhang.id_number == id_number("1980.05", "男")


def test_an_id_number_on_another_record_is_refused_without_naming_an_unseen_person(units, clerk, zhang):
    # given: the same number on a person in the west township, which the clerk cannot see
    number = id_number("1980.05", "男")
    person_in(units["west"], "王五", id_number=number)
    # when
    with pytest.raises(ValidationError) as raised:
        person_update(actor=clerk, person=zhang, changes={"id_number": number})
    # then
    message = raised.value.message_dict["id_number"][0]
    assert "王五" not in message and "不能在您的信息维护范围内" in message


def test_a_change_of_the_birth_day_alone_is_recorded_as_written(clerk, zhang):
    # when
    person_update(actor=clerk, person=zhang, changes={"birth_date": dt.date(1980, 5, 12), "birth_day_known": True})
    # then
    [event] = events_of(zhang)
    assert event.changes == {"birth_date": ["1980.05", "1980.05.12"]}


# photo --------------------------------------------------------------------------------------


def test_a_photo_is_cut_to_4_by_5_and_stored_as_a_jpeg_without_exif():
    # when
    content = photo_process(picture(800, 600, exif_orientation=1))
    # then
    stored = Image.open(io.BytesIO(content))
    assert stored.format == "JPEG" and stored.size == PHOTO_SIZE == (300, 375)
    assert PHOTO_SIZE[0] * 5 == PHOTO_SIZE[1] * 4
    assert not stored.getexif()


def test_the_crop_chooses_the_part_kept():
    # given: left half red, right half blue; a 4:5 box inside the right half
    upload = picture(800, 600)
    # when
    content = photo_process(upload, PhotoCrop(x=450, y=50, width=300))
    # then: all blue
    red, green, blue = Image.open(io.BytesIO(content)).convert("RGB").getpixel((150, 187))
    assert blue > 180 and red < 80
    # and a box that is too large or outside is kept inside the picture
    content = photo_process(upload, PhotoCrop(x=5000, y=5000, width=5000))
    assert Image.open(io.BytesIO(content)).size == PHOTO_SIZE


def test_the_exif_orientation_is_applied():
    # given: a landscape picture whose EXIF says "turn 90°" (orientation 6): a portrait on screen
    upload = picture(500, 400, exif_orientation=6)
    # when: the whole width of the turned picture (400 wide, 500 high) is kept
    content = photo_process(upload, PhotoCrop(x=0, y=0, width=400))
    # then: turned, the left (red) half of the file is at the top
    image = Image.open(io.BytesIO(content)).convert("RGB")
    top, bottom = image.getpixel((150, 20)), image.getpixel((150, 355))
    assert top[0] > 150 and bottom[2] > 150


def test_a_png_with_transparency_is_stored_as_a_jpeg():
    image = Image.new("RGBA", (400, 500), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="PNG")
    content = photo_process(SimpleUploadedFile("a.png", output.getvalue()))
    stored = Image.open(io.BytesIO(content))
    assert stored.format == "JPEG" and stored.convert("RGB").getpixel((10, 10)) == (255, 255, 255)


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.4 not a picture", "不是有效的图片"),
    (b"", "空的"),
])
def test_what_is_no_picture_is_refused_in_chinese(content, message):
    with pytest.raises(PhotoRejected, match=message):
        photo_process(SimpleUploadedFile("photo.jpg", content))


def test_other_picture_formats_and_oversized_files_are_refused():
    output = io.BytesIO()
    Image.new("RGB", (100, 120)).save(output, format="GIF")
    with pytest.raises(PhotoRejected, match="不支持 GIF 格式"):
        photo_process(SimpleUploadedFile("photo.gif", output.getvalue()))
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10))
    with pytest.raises(PhotoRejected, match="照片文件过大"):
        photo_process(big)


def test_a_new_photo_replaces_the_old_file_and_is_audited(clerk, zhang, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        person_photo_set(actor=clerk, person=zhang, image_file=picture())
    zhang.refresh_from_db()
    first = zhang.photo.name
    assert default_storage.exists(first) and first.startswith("photos/")
    assert len(Path(first).stem) == 32  # a random name, not the upload's
    # when
    with django_capture_on_commit_callbacks(execute=True):
        person_photo_set(actor=clerk, person=zhang, image_file=picture(color=(0, 200, 0)))
    # then
    zhang.refresh_from_db()
    second = zhang.photo.name
    assert default_storage.exists(second) and second != first
    assert not default_storage.exists(first)
    with default_storage.open(second) as stored:
        assert Image.open(stored).size == PHOTO_SIZE
    events = events_of(zhang, PersonFileAction.PHOTO_SET)
    assert [event.changes["photo"] for event in events] == [[None, first], [first, second]]


def test_removing_the_photo_deletes_its_file(clerk, zhang, django_capture_on_commit_callbacks):
    # given
    person_photo_set(actor=clerk, person=zhang, image_file=picture())
    zhang.refresh_from_db()
    name = zhang.photo.name
    # when
    with django_capture_on_commit_callbacks(execute=True):
        person_photo_remove(actor=clerk, person=zhang)
    # then
    zhang.refresh_from_db()
    assert not zhang.photo and not default_storage.exists(name)
    [event] = events_of(zhang, PersonFileAction.PHOTO_REMOVED)
    assert event.changes == {"photo": [name, None]}


def test_a_photo_outside_the_scope_is_refused(units, zhang):
    west_clerk = user_with_role("unit_clerk", maintained=[units["west"]])
    with pytest.raises(PermissionDenied):
        person_photo_set(actor=west_clerk, person=zhang, image_file=picture())
    assert not Person.objects.get(pk=zhang.pk).photo
    assert events_of(zhang, PersonFileAction.PHOTO_SET) == []


def test_a_failed_write_leaves_no_new_file(clerk, zhang, monkeypatch):
    # given: the audit write fails after the file was stored
    from cadres.people import services

    stored = []
    real_save = default_storage.save

    def remember(name, content, max_length=None):
        stored.append(real_save(name, content, max_length=max_length))
        return stored[-1]

    monkeypatch.setattr(default_storage, "save", remember)
    monkeypatch.setattr(services, "record", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("audit down")))
    # when
    with pytest.raises(RuntimeError):
        person_photo_set(actor=clerk, person=zhang, image_file=picture())
    # then
    assert stored and not default_storage.exists(stored[0])
