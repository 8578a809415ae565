"""The 生成任免审批表 page of one person: scope (404), the sensitive-export right, a purpose
required and audited with the person as subject, the Chinese file name, PDF or DOCX."""

import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cadres.accounts.testing import sign_in, user_with_role
from cadres.appointment_forms.exports import AppointmentFormAction
from cadres.appointment_forms.tests.full_record import county_units, full_record
from cadres.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

VALID = {
    "proposed_post": "青岚县人民政府副县长", "proposed_removal": "青岚县水利局局长", "reason": "工作需要。",
    "reporting_unit": "中共青岚县委组织部", "age_as_of": "2019-06-30", "filled_by": "张干事",
    "family_shows": "birth", "file_format": "pdf", "purpose": "2019年6月县委常委会干部任免",
}


@pytest.fixture
def units():
    return county_units()


@pytest.fixture
def person(units):
    return full_record(units)


@pytest.fixture
def officer_of_water(units):
    """A 干部科 officer managing the water bureau (holds people.export_sensitive)."""
    return user_with_role("cadre_office", managed=[units["water"]], full_name="张干事")


def _exports():
    return AuditEvent.objects.filter(action=AppointmentFormAction.FORM_EXPORTED)


def test_the_page_asks_for_the_options_with_defaults(client, person, officer_of_water):
    sign_in(client, officer_of_water)
    response = client.get(reverse("appointment_forms:person_form", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("拟任职务", "拟免职务", "任免理由", "呈报单位", "计算年龄时间", "填表人", "用途"):
        assert label in page
    assert 'value="张干事"' in page
    assert "---------" not in page


def test_pdf_download_with_a_chinese_name_audited_with_purpose(client, person, officer_of_water):
    sign_in(client, officer_of_water)
    # when
    response = client.post(reverse("appointment_forms:person_form", args=[person.pk]), VALID)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = unquote(response["Content-Disposition"])
    assert "干部任免审批表-王建国.pdf" in disposition
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())
    assert "1968.01（51岁）" in text and "青岚县人民政府副县长" in text
    event = _exports().get()
    assert (event.subject_type, event.subject_id, event.actor_id) == ("people.person", str(person.pk),
                                                                      officer_of_water.pk)
    assert event.changes["purpose"] == VALID["purpose"]
    assert event.changes["format"] == "pdf"


def test_docx_download(client, person, officer_of_water):
    sign_in(client, officer_of_water)
    response = client.post(reverse("appointment_forms:person_form", args=[person.pk]),
                           {**VALID, "file_format": "docx"})
    assert response.status_code == 200
    assert "干部任免审批表-王建国.docx" in unquote(response["Content-Disposition"])
    assert response.content[:2] == b"PK"


def test_purpose_is_required(client, person, officer_of_water):
    sign_in(client, officer_of_water)
    response = client.post(reverse("appointment_forms:person_form", args=[person.pk]), {**VALID, "purpose": "  "})
    assert response.status_code == 200
    assert "请填写用途" in response.content.decode()
    assert not _exports().exists()


def test_bad_age_date_is_named(client, person, officer_of_water):
    sign_in(client, officer_of_water)
    response = client.post(reverse("appointment_forms:person_form", args=[person.pk]),
                           {**VALID, "age_as_of": "2019-13-01"})
    assert "计算年龄时间不是有效的日期" in response.content.decode()
    assert not _exports().exists()


def test_a_person_outside_the_scope_is_a_404(client, units, person):
    other = user_with_role("cadre_office", managed=[units["west"]])
    sign_in(client, other)
    url = reverse("appointment_forms:person_form", args=[person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, VALID).status_code == 404
    assert not _exports().exists()


def test_without_the_sensitive_export_right_it_is_refused(client, units, person):
    clerk = user_with_role("unit_clerk", maintained=[units["water"]])
    sign_in(client, clerk)
    response = client.post(reverse("appointment_forms:person_form", args=[person.pk]), VALID)
    assert response.status_code == 403
    assert not _exports().exists()
    assert AuditEvent.objects.filter(action="permission.denied", actor=clerk).exists()


def test_ones_own_form_is_refused(client, units, person):
    own = user_with_role("cadre_office", managed=[units["top"]], person=person)
    sign_in(client, own)
    response = client.post(reverse("appointment_forms:person_form", args=[person.pk]), VALID)
    assert response.status_code == 403
    assert not _exports().exists()
