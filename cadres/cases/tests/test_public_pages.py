"""The public 任前公示 pages, without signing in: only the notices current today, a comment that
reaches the case, the trap for robots and the hourly limit; nothing else opens without login.
And the officers' pages of the 公示 and the completion."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from cadres.accounts.testing import sign_in
from cadres.cases import publicity
from cadres.cases.models import CaseStatus, CommentOutcome, NomineeStage, NoticeComment, PublicNotice
from cadres.cases.tests import test_publicity
from cadres.cases.tests.test_publicity import (
    FIVE_DAYS_END,
    NATIONAL_DAY_START,
    case_at_publicity,
    published,
)

clock = test_publicity.clock   # the pinned-day fixture


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_public_page_shows_only_current_notices(clock, client, officer, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    current = published(officer, case)
    draft = publicity.notice_create(actor=officer, case=case, starts_on=NATIONAL_DAY_START, phone="1",
                                    title="未发布的公示")
    withdrawn = published(officer, case)
    publicity.notice_withdraw(actor=officer, notice=withdrawn)
    PublicNotice.objects.filter(pk=withdrawn.pk).update(title="已撤回的公示")
    later = published(officer, case, starts_on=dt.date(2026, 10, 12))
    PublicNotice.objects.filter(pk=later.pk).update(title="尚未开始的公示")

    page = client.get(reverse("notices:notice_list"))

    assert page.status_code == 200
    body = page.content.decode()
    assert current.title in body and "赵副镇长，男，1986.11出生" in body
    for hidden in ("未发布的公示", "已撤回的公示", "尚未开始的公示"):
        assert hidden not in body
    # No internal id of a person, and no link into the system.
    assert f"/people/{team['candidate'].pk}" not in body and "/cases/" not in body
    assert client.get(reverse("notices:notice_detail", args=[current.pk])).status_code == 200
    for notice in (draft, withdrawn, later):
        assert client.get(reverse("notices:notice_detail", args=[notice.pk])).status_code == 404

    # After its last day the notice is gone too.
    clock.day = FIVE_DAYS_END + dt.timedelta(days=1)
    assert current.title not in client.get(reverse("notices:notice_list")).content.decode()
    assert client.get(reverse("notices:notice_detail", args=[current.pk])).status_code == 404
    assert nominee.stage == NomineeStage.PROPOSED


def test_a_comment_from_the_public_page_reaches_the_case(clock, client, officer, supervisor, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    url = reverse("notices:notice_detail", args=[notice.pk])
    form = client.get(url).content.decode()
    # The person concerned is chosen by his place in the notice, not by an id.
    assert re.search(r'<option value="1">赵副镇长</option>', form)
    assert re.findall(r'<option value="([^"]*)"', form) == ["", "1"]

    empty = client.post(url, {"content": " ", "nominee": "1"})
    assert empty.status_code == 400 and "请填写反映内容" in empty.content.decode()
    response = client.post(url, {"content": "该同志在东坑镇工作期间有违规问题", "nominee": "1",
                                 "contact_name": "", "contact_phone": "", "website": ""})

    assert response.status_code == 302 and response["Location"] == reverse("notices:comment_thanks", args=[notice.pk])
    comment = NoticeComment.objects.get()
    assert (comment.notice, comment.nominee, comment.outcome) == (notice, nominee, CommentOutcome.PENDING)
    assert "已收到您的反映" in client.get(response["Location"]).content.decode()
    # The officers see it with the case.
    sign_in(client, supervisor)
    listing = client.get(reverse("cases:comment_list", args=[case.pk])).content.decode()
    assert "该同志在东坑镇工作期间有违规问题" in listing and "待核查" in listing


def test_the_trap_field_and_the_hourly_limit(clock, client, officer, county, team, settings):
    settings.CASES_PUBLIC_COMMENTS_PER_HOUR = 2
    case, _ = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    url = reverse("notices:notice_detail", args=[notice.pk])

    trapped = client.post(url, {"content": "广告", "website": "http://spam.example"})
    assert trapped.status_code == 302
    assert not NoticeComment.objects.exists()

    # the trap is not stored and does not count; two comments an hour pass, the third does not
    assert client.post(url, {"content": "反映一"}).status_code == 302
    assert client.post(url, {"content": "反映二"}).status_code == 302
    limited = client.post(url, {"content": "反映三"})
    assert limited.status_code == 429 and "提交过于频繁" in limited.content.decode()
    assert NoticeComment.objects.count() == 2
    # Another address is not limited; no address is stored anywhere, only a keyed hash.
    assert client.post(url, {"content": "反映四"}, REMOTE_ADDR="10.0.0.9").status_code == 302
    assert NoticeComment.objects.count() == 3
    keys = set(NoticeComment.objects.values_list("client_key", flat=True))
    assert len(keys) == 2 and not any("127.0.0.1" in key or "10.0.0.9" in key for key in keys)


def test_nothing_else_is_public(client, county):
    for name, args in (("cases:stats", []), ("cases:comment_list", [1]), ("cases:notice_create", [1])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_officer_generates_and_publishes_a_notice_on_the_pages(clock, client, officer, county, team):
    case, _ = case_at_publicity(officer, county, team["candidate"])
    sign_in(client, officer)
    page = client.get(reverse("cases:case_publicity", args=[case.pk])).content.decode()
    assert "生成任前公示" in page

    missing = client.post(reverse("cases:notice_create", args=[case.pk]), {"starts_on": "2026-10-08"})
    assert missing.status_code == 400 and "请填写联系电话" in missing.content.decode()
    nominee = case.nominees.get()
    client.post(reverse("cases:notice_create", args=[case.pk]),
                {"starts_on": "2026-10-08", "phone": "5551234", "nominees": [nominee.pk]})
    notice = PublicNotice.objects.get()
    assert notice.ends_on == FIVE_DAYS_END and not notice.is_published
    client.post(reverse("cases:notice_publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.is_published


def test_a_clerk_outside_the_cases_gets_no_page(clock, client, officer, east_clerk, county, team):
    case, _ = case_at_publicity(officer, county, team["candidate"])
    sign_in(client, east_clerk)
    assert client.get(reverse("cases:case_publicity", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:comment_list", args=[case.pk])).status_code == 403
    assert case.status == CaseStatus.ACTIVE


def test_the_form_offers_only_the_published_nominees(clock, client, officer, county, team):
    # given: a published nominee 赵副镇长 and, in the same case, an unpublished candidate whose
    # name is part of his ("赵副")
    from cadres.accounts.testing import person_in
    from cadres.cases.services import nominee_add

    case, _ = case_at_publicity(officer, county, team["candidate"])
    namesake = person_in(county["west"], "赵副", post_title="科员", rank="0150")
    nominee_add(actor=officer, case=case, person=namesake)
    notice = published(officer, case)
    # when
    page = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()
    # then
    assert ">赵副镇长<" in page and ">赵副<" not in page
