"""The import pages (upload → preview → confirm → result) and the LRMX export page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.accounts.testing import sign_in, user_with_role
from cadres.appointment_forms.import_views import PREFIX
from cadres.appointment_forms.services import AppointmentFormAction
from cadres.appointment_forms.tests.lrmx_records import FIXTURES, full_record, unit_at
from cadres.audit.models import AuditEvent
from cadres.people.jobs import imports_dir
from cadres.people.models import Person

pytestmark = pytest.mark.django_db


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_upload_preview_confirm_result(signed_in, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    page = signed_in.get(reverse("appointment_forms:form_import"))
    assert page.status_code == 200 and "上传并预览" in page.content.decode()
    preview = signed_in.post(reverse("appointment_forms:form_import"), {
        "uploads": [upload("full_bom_crlf.lrmx"), upload("bad_month_13.lrmx")], "unit_path": "青岚县/县水利局",
        "rank": "0141",
    })
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "新增" in text and "单位：（空） → 青岚县/县水利局" in text
    assert "ChuShengNianYue（出生年月） “197513” 不是有效的年月" in text
    assert not Person.objects.exists()
    token = preview.context["token"]
    assert (imports_dir() / f"{PREFIX}{token}").is_dir()
    result = signed_in.post(reverse("appointment_forms:form_import_confirm"), {"token": token})
    assert result.status_code == 200 and "已导入 2 份：新增 1 人" in result.content.decode()
    person = Person.objects.get()
    assert (person.name, person.rank) == ("张三", "0141")
    assert not (imports_dir() / f"{PREFIX}{token}").exists()
    # A second confirmation imports nothing.
    again = signed_in.post(reverse("appointment_forms:form_import_confirm"), {"token": token})
    assert "已导入或已过期" in again.content.decode()
    assert Person.objects.count() == 1


def test_another_user_cannot_confirm_someones_upload(signed_in, client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    preview = signed_in.post(reverse("appointment_forms:form_import"), {
        "uploads": [upload("variants_lf.lrmx")], "unit_path": "某县/东镇"})
    token = preview.context["token"]
    east = unit_at("某县/东镇")
    clerk = user_with_role("unit_clerk", maintained=[east])
    sign_in(client, clerk)
    response = client.post(reverse("appointment_forms:form_import_confirm"), {"token": token})
    assert response.status_code == 404
    assert not Person.objects.exists()


def test_the_import_page_needs_the_import_right(client):
    east = unit_at("某县/东镇")
    sign_in(client, user_with_role("leader", managed=[east]))
    assert client.get(reverse("appointment_forms:form_import")).status_code == 403


def test_a_clerk_sees_masked_id_numbers_in_the_preview(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    east = unit_at("某县/东镇")
    sign_in(client, user_with_role("unit_clerk", maintained=[east]))
    preview = client.post(reverse("appointment_forms:form_import"), {
        "uploads": [upload("party_month_and_name.lrmx")], "unit_path": "某县/东镇"})
    text = preview.content.decode()
    assert "11010119681101003X" not in text and "110101********003X" in text


def test_export_page_asks_for_a_purpose_and_audits(signed_in):
    person = full_record()
    url = reverse("appointment_forms:lrmx_export", args=[person.pk])
    assert "导出用途" in signed_in.get(url).content.decode()
    refused = signed_in.post(url, {"purpose": ""})
    assert "请说明导出用途" in refused.content.decode()
    response = signed_in.post(url, {"purpose": "报送市委组织部"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".lrmx" in response["Content-Disposition"]
    assert b"<ShenFenZheng>" + person.id_number.encode() in response.content
    event = AuditEvent.objects.get(action=AppointmentFormAction.LRMX_EXPORTED)
    assert event.changes["purpose"] == "报送市委组织部"


def test_export_outside_the_view_scope_is_404_and_without_the_right_403(client):
    east, west = unit_at("某县/东镇"), unit_at("某县/西镇")
    person = full_record(unit=west)
    url = reverse("appointment_forms:lrmx_export", args=[person.pk])
    officer = user_with_role("cadre_office", managed=[east], maintained=[east])
    sign_in(client, officer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"purpose": "x"}).status_code == 404
    sign_in(client, user_with_role("unit_clerk", maintained=[west]))
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AppointmentFormAction.LRMX_EXPORTED).exists()
