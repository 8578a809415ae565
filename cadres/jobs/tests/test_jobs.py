"""Background jobs: the job page's progress and result, a failed job's Chinese error with
nothing written, and the import queue (one import at a time per database)."""

import re
import threading
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from cadres.jobs import tasks
from cadres.jobs.kinds import ROSTER_EXPORT, ROSTER_IMPORT
from cadres.jobs.locks import import_slot_try
from cadres.jobs.models import Job
from cadres.jobs.services import JobProgress, job_create, job_start
from cadres.jobs.testing import DATABASE_QUEUE, run_worker
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.people.tests.factories import TOWNSHIP_ROSTER, id_number, roster_row, roster_xlsx


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def queued(settings):
    """Jobs wait on the database queue until the test runs the worker."""
    settings.TASKS = DATABASE_QUEUE


def upload(client, content, name="名册.xlsx"):
    response = client.post(reverse("people:roster_import"),
                           {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    return int(re.fullmatch(r"/jobs/(\d+)/", response["Location"]).group(1))


def job_page(client, job_id, **headers):
    return client.get(reverse("jobs:job_detail", args=[job_id]), headers=headers).content.decode()


# The job page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_job_page_shows_the_live_progress_and_keeps_polling(signed_in, officer, queued):
    # given: a running export that has written 120 of 381 people
    job = job_create(actor=officer, kind=ROSTER_EXPORT, parameters={"query": ""})
    job_start(job=job)
    JobProgress(job)(120, 381, "写出干部名册")
    # when
    page = job_page(signed_in, job.pk)
    fragment = job_page(signed_in, job.pk, HX_Request="true")
    # then
    assert '<progress max="381" value="120" aria-label="进度">31%</progress>' in page
    assert "写出干部名册" in page and "120 / 381 人（31%）" in page
    assert fragment.startswith('<div id="job-body" data-status="running"')
    assert 'hx-trigger="every 1s"' in fragment and "<html" not in fragment


@pytest.mark.django_db
def test_a_poll_does_not_write_the_session(signed_in, officer, queued):
    # given: a waiting job, its page opened once
    from django.contrib.sessions.models import Session

    job = job_create(actor=officer, kind=ROSTER_EXPORT, parameters={"query": ""})
    job_page(signed_in, job.pk)
    key = signed_in.session.session_key
    stored = Session.objects.get(pk=key).session_data
    # when: the page polls
    fragment = job_page(signed_in, job.pk, HX_Request="true")
    # then: the session row is as it was (a full page load would have updated it)
    assert 'data-status="waiting"' in fragment
    assert Session.objects.get(pk=key).session_data == stored
    job_page(signed_in, job.pk)
    assert Session.objects.get(pk=key).session_data != stored


@pytest.mark.django_db
def test_job_page_of_a_finished_job_shows_the_result_and_stops_polling(signed_in):
    # given
    job_id = upload(signed_in, roster_xlsx([roster_row()]))
    # when
    fragment = job_page(signed_in, job_id, HX_Request="true")
    # then
    assert fragment.startswith('<div id="job-body" data-status="done"')
    assert "hx-trigger" not in fragment
    assert '<div class="value" data-count="created">1</div>' in fragment


@pytest.mark.django_db
def test_nobody_sees_another_users_job(client, signed_in, django_user_model):
    # given
    job_id = upload(signed_in, roster_xlsx([roster_row()]))
    own_listing = signed_in.get(reverse("jobs:job_list")).content.decode()
    other = django_user_model.objects.create_superuser(username="other", password="x" * 12)
    client.force_login(other)
    # when
    page = client.get(reverse("jobs:job_detail", args=[job_id]))
    listing = client.get(reverse("jobs:job_list")).content.decode()
    # then
    assert f'<a href="/jobs/{job_id}/">{job_id}</a>' in own_listing and "检查名册" in own_listing
    assert page.status_code == 404
    assert "您还没有发起过后台任务" in listing


@pytest.mark.django_db
def test_a_job_that_fails_while_writing_shows_a_chinese_error_and_writes_nothing(
    signed_in, monkeypatch
):
    # given: a checked roster whose import breaks at its last step, the audit record
    import cadres.audit.services

    check_id = upload(signed_in, TOWNSHIP_ROSTER.read_bytes(), "roster.xlsx")
    real_chain = cadres.audit.services._chain
    calls = []

    def broken_chain(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("disk full")

    monkeypatch.setattr(cadres.audit.services, "_chain", broken_chain)
    # when
    response = signed_in.post(reverse("people:roster_import_confirm"), {"job": check_id},
                              follow=True)
    monkeypatch.setattr(cadres.audit.services, "_chain", real_chain)
    # then
    html = response.content.decode()
    job = Job.objects.get(pk=int(re.search(r"/jobs/(\d+)/", response.redirect_chain[-1][0]).group(1)))
    assert calls, "the import no longer writes its audit event through _chain"
    assert job.status == Job.Status.FAILED
    assert '<div id="job-body" data-status="failed"' in html
    assert ("任务因系统内部错误中止，名册未导入任何数据。请稍后重试；"
            f"如仍失败，请将任务编号 {job.pk} 告知系统管理员。") in html
    assert "disk full" not in html and "Traceback" not in html
    assert Person.objects.count() == 0 and Unit.objects.count() == 0


@pytest.mark.django_db
def test_a_rejected_roster_fails_its_job_with_every_error_in_chinese(signed_in):
    # when
    job_id = upload(signed_in, roster_xlsx([roster_row(出生年月="1975.13", 身份证号="")]))
    # then
    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("名册“名册.xlsx”有 1 处错误，未导入任何数据。")
    assert job.result["errors"] == ["第2行 出生年月 “1975.13” 不是有效的年月"]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_a_job_runs_once_even_if_its_task_runs_twice(signed_in, queued):
    # given
    job_id = upload(signed_in, roster_xlsx([roster_row()]))
    run_worker()
    finished_at = Job.objects.get(pk=job_id).finished_at
    # when
    outcome = tasks.job_run.call(job_id=job_id)
    # then
    assert outcome == "skipped"
    assert Job.objects.get(pk=job_id).finished_at == finished_at


# The import queue ------------------------------------------------------------------------------


def checked_and_confirmed(client, *rosters):
    """Upload rosters, let the worker check them, confirm each: the ids of the import jobs."""
    checks = [upload(client, content, name) for content, name in rosters]
    run_worker()
    imports = []
    for check in checks:
        response = client.post(reverse("people:roster_import_confirm"), {"job": check})
        imports.append(int(re.fullmatch(r"/jobs/(\d+)/", response["Location"]).group(1)))
    return imports


@pytest.mark.django_db
def test_two_imports_queue_and_the_second_waits_until_the_first_finishes(signed_in, queued):
    # given: two checked rosters confirmed; no worker has run the imports yet
    first, second = checked_and_confirmed(
        signed_in,
        (roster_xlsx([roster_row(姓名="张三")]), "一.xlsx"),
        (roster_xlsx([roster_row(姓名="李四", 身份证号=id_number("1975.03", "男", serial=2))]),
         "二.xlsx"),
    )
    # when
    first_waiting, second_waiting = job_page(signed_in, first), job_page(signed_in, second)
    run_worker(max_tasks=1)
    second_after_first = job_page(signed_in, second)
    run_worker()
    # then
    assert "等待中" in first_waiting and "（即将开始）" in first_waiting
    assert "等待中" in second_waiting and "（前面还有 1 个导入）" in second_waiting
    assert Job.objects.get(pk=first).status == Job.Status.DONE
    assert Person.objects.filter(name="张三").exists()
    assert '<div id="job-body" data-status="waiting"' in second_after_first
    assert "（即将开始）" in second_after_first
    assert Job.objects.get(pk=second).status == Job.Status.DONE
    assert Person.objects.filter(name="李四").exists()


@pytest.mark.django_db
def test_a_roster_check_does_not_wait_for_imports(signed_in, queued):
    # given: an import waiting
    checked_and_confirmed(signed_in, (roster_xlsx([roster_row(姓名="张三")]), "一.xlsx"))
    # when: another roster is uploaded
    check = upload(signed_in, roster_xlsx([roster_row(姓名="李四")]), "二.xlsx")
    # then: its check is not an import, so it is not behind the import
    assert "（即将开始）" in job_page(signed_in, check)


@pytest.mark.django_db
def test_an_import_waits_while_another_holds_the_import_slot(signed_in, queued, monkeypatch):
    # given: another import running (it holds the slot the first two times this one looks)
    check = upload(signed_in, roster_xlsx([roster_row()]))
    run_worker()
    Job.objects.create(kind=ROSTER_IMPORT, status=Job.Status.RUNNING)
    response = signed_in.post(reverse("people:roster_import_confirm"), {"job": check})
    job_id = int(re.fullmatch(r"/jobs/(\d+)/", response["Location"]).group(1))
    pages = []

    @contextmanager
    def slot_busy_twice():
        if len(pages) < 2:
            pages.append(job_page(signed_in, job_id))
            yield False
        else:
            with import_slot_try() as taken:
                yield taken

    monkeypatch.setattr(tasks, "import_slot_try", slot_busy_twice)
    monkeypatch.setattr(tasks, "IMPORT_SLOT_POLL_SECONDS", 0)
    # when
    run_worker()
    # then: while it waited, the page said so
    assert len(pages) == 2
    assert all('data-status="waiting"' in page and "（前面还有 1 个导入）" in page for page in pages)
    assert Job.objects.get(pk=job_id).status == Job.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_the_import_slot_is_held_by_one_holder_at_a_time():
    # given: the slot taken here
    results = []

    def try_elsewhere():
        try:
            with import_slot_try() as taken:
                results.append(taken)
        finally:
            connection.close()

    with import_slot_try() as taken_here:
        # when: another connection (another worker) tries
        thread = threading.Thread(target=try_elsewhere)
        thread.start()
        thread.join()
    thread = threading.Thread(target=try_elsewhere)
    thread.start()
    thread.join()
    # then
    assert taken_here is True
    assert results == [False, True]


@pytest.mark.django_db
def test_the_audit_events_of_a_job_carry_the_request_id_that_started_it(signed_in, queued):
    # given
    from cadres.audit.models import AuditAction, AuditEvent

    check = upload(signed_in, roster_xlsx([roster_row()]))
    run_worker()
    response = signed_in.post(reverse("people:roster_import_confirm"), {"job": check})
    job = Job.objects.get(pk=int(re.fullmatch(r"/jobs/(\d+)/", response["Location"]).group(1)))
    # when: the worker, outside any request, runs the import
    run_worker()
    # then
    event = AuditEvent.objects.get(action=AuditAction.ROSTER_IMPORTED)
    assert job.parameters["request_id"] == response["X-Request-Id"]
    assert event.request_id == response["X-Request-Id"]
