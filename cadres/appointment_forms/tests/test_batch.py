"""A batch of 审批表: people posted from the roster (or a unit's cadres) → the options page → a
job writing a ZIP with one file per person, audited per person; scope and purpose as for one."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, user_with_role
from cadres.appointment_forms.exports import AppointmentFormAction, FormOptions, forms_batch_export
from cadres.appointment_forms.tests.full_record import county_units, full_record
from cadres.audit.models import AuditEvent
from cadres.jobs.kinds import APPOINTMENT_FORMS_BATCH
from cadres.jobs.models import Job

pytestmark = pytest.mark.django_db

OPTIONS = {"generate": "1", "reporting_unit": "中共青岚县委组织部", "age_as_of": "2019-06-30",
           "filled_by": "张干事", "family_shows": "birth", "file_formats": "pdf", "purpose": "2019年6月干部调整"}


@pytest.fixture
def units():
    return county_units()


@pytest.fixture
def people(units):
    return [full_record(units), person_in(units["water"], "李四", post_title="副局长"),
            person_in(units["water"], "李四", post_title="办公室主任", birth_date=dt.date(1985, 3, 1))]


@pytest.fixture
def officer(units):
    return user_with_role("cadre_office", managed=[units["top"]])


def _zip_of(job: Job) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO((Path(settings.VAR_DIR) / job.file_path).read_bytes()))


def test_the_roster_posts_ids_and_the_options_page_names_them(client, officer, people):
    sign_in(client, officer)
    response = client.post(reverse("appointment_forms:batch"), {"person": [p.pk for p in people]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "王建国、李四、李四" in page and 'name="person"' in page
    assert not Job.objects.exists()


def test_the_job_makes_a_zip_with_one_file_per_person(client, officer, people):
    sign_in(client, officer)
    # when
    response = client.post(reverse("appointment_forms:batch"), {**OPTIONS, "person": [p.pk for p in people]})
    # then
    job = Job.objects.get(kind=APPOINTMENT_FORMS_BATCH)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.file_name.startswith("干部任免审批表-") and job.file_name.endswith(".zip")
    names = _zip_of(job).namelist()
    assert names == ["干部任免审批表-王建国.pdf", "干部任免审批表-李四.pdf", "干部任免审批表-李四-2.pdf"]
    assert (job.done, job.total) == (3, 3)
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "共 3 人，3 个文件" in page and "下载" in page
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 200
    # audited: one event for the ZIP, one per person linked to it
    batch = AuditEvent.objects.get(action=AppointmentFormAction.FORMS_EXPORTED)
    assert batch.changes["purpose"] == OPTIONS["purpose"] and batch.changes["people"] == 3
    per_person = AuditEvent.objects.filter(action=AppointmentFormAction.FORM_EXPORTED, batch=batch)
    assert sorted(int(event.subject_id) for event in per_person) == sorted(p.pk for p in people)


def test_both_formats_from_a_unit(client, officer, units, people):
    sign_in(client, officer)
    client.post(reverse("appointment_forms:batch"), {**OPTIONS, "unit": units["water"].pk, "file_formats": "both"})
    job = Job.objects.get(kind=APPOINTMENT_FORMS_BATCH)
    assert job.status == Job.Status.DONE, job.error
    names = _zip_of(job).namelist()
    assert len(names) == 6 and sum(name.endswith(".docx") for name in names) == 3


def test_an_id_outside_the_scope_is_a_404(client, units, people):
    stranger = person_in(units["west"], "赵西岭")
    water_officer = user_with_role("cadre_office", managed=[units["water"]])
    sign_in(client, water_officer)
    response = client.post(reverse("appointment_forms:batch"),
                           {**OPTIONS, "person": [people[0].pk, stranger.pk]})
    assert response.status_code == 404
    assert client.get(reverse("appointment_forms:batch"), {"unit": units["west"].pk}).status_code == 404
    assert not Job.objects.exists()


def test_purpose_and_the_right_are_required(client, units, people):
    clerk = user_with_role("unit_clerk", maintained=[units["water"]])
    sign_in(client, clerk)
    assert client.post(reverse("appointment_forms:batch"), {**OPTIONS, "person": [people[0].pk]}).status_code == 403
    officer = user_with_role("cadre_office", managed=[units["top"]])
    sign_in(client, officer)
    response = client.post(reverse("appointment_forms:batch"), {**OPTIONS, "purpose": "", "person": [people[0].pk]})
    assert "请填写用途" in response.content.decode()
    assert not Job.objects.exists()


def test_nothing_selected_says_so(client, officer):
    sign_in(client, officer)
    response = client.post(reverse("appointment_forms:batch"), OPTIONS)
    assert "请先选择要生成任免审批表的干部" in response.content.decode()
    assert not Job.objects.exists()


def test_a_pool_of_processes_renders_the_same_files(units):
    # given: enough people for the pool
    people = [person_in(units["water"], f"干部{number}", post_title="科员") for number in range(8)]
    options = FormOptions(age_as_of=dt.date(2019, 6, 30), reporting_unit="中共青岚县委组织部")
    # when
    content, files = forms_batch_export(actor=None, people=people, options=options, formats=("pdf",),
                                        purpose="测试", workers=2)
    # then
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert files == 8
    assert archive.namelist() == [f"干部任免审批表-干部{number}.pdf" for number in range(8)]
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
