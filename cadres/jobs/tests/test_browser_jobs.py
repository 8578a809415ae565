"""In the browser: the job page's progress bar follows the job as the page polls, and turns
into the result when the job is done."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from cadres.jobs.kinds import ROSTER_EXPORT
from cadres.jobs.models import Job
from cadres.jobs.services import JobProgress, job_create, job_start
from cadres.jobs.testing import DATABASE_QUEUE, HeldJobPolls, run_worker

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_the_progress_bar_follows_the_job_to_its_result(signed_in_page, live_server, settings,
                                                         tmp_path):
    from playwright.sync_api import expect

    # given: an export of the officer's, running, 120 of 381 people written
    settings.VAR_DIR = tmp_path
    settings.TASKS = DATABASE_QUEUE
    page = signed_in_page
    polls = HeldJobPolls(page)
    officer = Job._meta.get_field("owner").related_model.objects.get(username="officer")
    job = job_create(actor=officer, kind=ROSTER_EXPORT, parameters={"query": ""})
    job_start(job=job)
    progress = JobProgress(job)
    progress(120, 381, "写出干部名册")

    # when
    page.goto(live_server.url + reverse("jobs:job_detail", args=[job.pk]))

    # then
    bar = page.locator("#job-body progress")
    expect(bar).to_have_attribute("value", "120")
    expect(page.locator('[data-progress="figures"]')).to_have_text("120 / 381 人（31%）")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "job-progress-running.png"), full_page=True)

    # when: the job gets further
    polls.hold(page)
    progress(300, 381, "写出干部名册")
    polls.release()

    # then: the page follows without a reload
    expect(bar).to_have_attribute("value", "300")

    # when: the job is put back on the queue and the worker runs it to the end
    polls.hold(page)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.WAITING)
    run_worker()
    polls.release()

    # then: the result replaces the bar
    expect(page.locator("#job-body")).to_have_attribute("data-status", "done")
    expect(page.locator("#export-result")).to_contain_text("名册已导出：共 0 人，身份证号已遮盖。")
    expect(page.get_by_role("link", name=re.compile("下载"))).to_be_visible()
