"""The pages of the ballot module: who may open what, the officer's steps, the public voter page
protected by the code, no tally on any page before the count, the slips and the report PDFs."""

import io
import logging
import re

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in, unit_tree
from cadres.audit.models import AuditEvent
from cadres.ballots import services, views
from cadres.ballots.actions import BallotPermission
from cadres.ballots.models import Attendance, Ballot, Vote, VoteKind, VoteStatus, VotingCode
from cadres.ballots.tests.support import open_vote, user_with_codes

pytestmark = pytest.mark.django_db

CODE_PATTERN = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def as_user(client, *codes, **kwargs):
    user = user_with_codes(*codes, **kwargs)
    client.force_login(user)
    return user


def cast_through_page(client, vote, code, **fields):
    return client.post(reverse("ballots:voter_cast", args=[vote.pk]), {"code": code, **fields})


def decision_fields(vote, *values):
    return {f"c_{option.pk}": value for option, value in zip(vote.options.all(), values)}


# ---------------------------------------------------------------- permissions and scope


def test_a_user_without_a_ballots_code_is_refused(client):
    as_user(client, "people.view")
    assert client.get(reverse("ballots:vote_list")).status_code == 403
    assert client.get(reverse("ballots:vote_create", args=["decision"])).status_code == 403


def test_view_only_sees_the_list_but_cannot_create_or_act(client):
    vote, _ = open_vote()
    as_user(client, BallotPermission.VIEW)
    page = client.get(reverse("ballots:vote_list"))
    assert page.status_code == 200 and "测试投票" in page.content.decode()
    assert "新建票决" not in page.content.decode()
    assert client.get(reverse("ballots:vote_create", args=["decision"])).status_code == 403
    assert client.post(reverse("ballots:vote_close", args=[vote.pk]), {"confirm": "on"}).status_code == 403
    assert client.get(reverse("ballots:attendance", args=[vote.pk])).status_code == 403
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN


def test_a_vote_of_a_unit_outside_the_scope_answers_404(client):
    tree = unit_tree()
    vote = services.vote_create(actor=None, kind="decision", title="西镇票决", expected_count=5,
                                options=["甲"], unit=tree["west"])
    as_user(client, BallotPermission.MANAGE, units=(tree["east"],))
    assert client.get(reverse("ballots:vote_detail", args=[vote.pk])).status_code == 404
    assert client.post(reverse("ballots:option_add", args=[vote.pk]), {"name": "乙"}).status_code == 404
    assert vote.options.count() == 1
    assert "西镇票决" not in client.get(reverse("ballots:vote_list")).content.decode()


def test_option_from_people_outside_the_scope_is_404(client):
    tree = unit_tree()
    outsider = person_in(tree["west"], "王西")
    insider = person_in(tree["east"], "李东", post_title="镇长")
    vote = services.vote_create(actor=None, kind="decision", title="东镇票决", expected_count=5, unit=tree["east"])
    as_user(client, BallotPermission.MANAGE, units=(tree["east"],))
    found = client.get(reverse("ballots:vote_detail", args=[vote.pk]), {"q": "西"}).content.decode()
    assert "王西" not in found
    assert client.post(reverse("ballots:option_add", args=[vote.pk]), {"person": outsider.pk}).status_code == 404
    client.post(reverse("ballots:option_add", args=[vote.pk]), {"person": insider.pk})
    option = vote.options.get()
    assert (option.name, option.person_id, option.description) == ("李东", insider.pk, "东镇镇长")


# ---------------------------------------------------------------- the officer's steps


def test_new_vote_forms_start_with_the_rules_of_their_kind(signed_in):
    page = signed_in.get(reverse("ballots:vote_create", args=["decision"])).content.decode()
    assert 'name="quorum_numerator" value="2"' in page and 'name="quorum_denominator" value="3"' in page
    assert 'name="threshold_denominator" value="2"' in page
    assert 'name="max_choices"' not in page
    page = signed_in.get(reverse("ballots:vote_create", args=["recommendation"])).content.decode()
    assert 'name="max_choices" value="1"' in page and 'name="second_round_below_per_mille" value="300"' in page
    page = signed_in.get(reverse("ballots:vote_create", args=["rating"])).content.decode()
    assert "优秀、称职、基本称职、不称职" in page and "中层干部 40%" in page
    assert signed_in.get(reverse("ballots:vote_create", args=["lottery"])).status_code == 404


def test_create_a_rating_vote_with_weighted_groups(signed_in):
    response = signed_in.post(reverse("ballots:vote_create", args=["rating"]), {
        "title": "2025年度领导班子民主测评", "expected_count": 30, "quorum_numerator": 2, "quorum_denominator": 3,
        "quorum_base": "expected", "rating_scale": "优秀、称职、基本称职、不称职",
        "groups": "班子成员 30%\n中层干部 40%\n职工代表 30%",
    })
    vote = Vote.objects.get()
    assert response.status_code == 302
    assert vote.kind == VoteKind.RATING and vote.expected_count == 30
    assert [(group.name, str(group.weight)) for group in vote.groups.all()] == [
        ("班子成员", "0.3000"), ("中层干部", "0.4000"), ("职工代表", "0.3000")]
    assert AuditEvent.objects.filter(action="vote.created").count() == 1


def test_bad_rules_get_a_chinese_message_naming_the_field(signed_in):
    response = signed_in.post(reverse("ballots:vote_create", args=["rating"]), {
        "title": "测评", "expected_count": 30, "quorum_numerator": 2, "quorum_denominator": 3,
        "quorum_base": "expected", "rating_scale": "优秀", "groups": "班子成员 30%\n职工代表 30%",
    })
    page = response.content.decode()
    assert response.status_code == 200 and not Vote.objects.exists()
    assert "测评等次须至少两个" in page and "权重之和须为100%" in page


def test_from_draft_to_open_through_the_pages(signed_in):
    signed_in.post(reverse("ballots:vote_create", args=["decision"]), {
        "title": "常委会票决", "expected_count": 3, "quorum_numerator": 2, "quorum_denominator": 3,
        "quorum_base": "expected", "threshold_numerator": 1, "threshold_denominator": 2,
        "threshold_base": "expected",
    })
    vote = Vote.objects.get()
    signed_in.post(reverse("ballots:option_add", args=[vote.pk]), {"name": "张三", "description": "拟任某局局长"})
    response = signed_in.post(reverse("ballots:vote_freeze", args=[vote.pk]), {"confirm": "on"})
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.status == VoteStatus.FROZEN
    # 签到 (typed names), then the slips
    signed_in.post(reverse("ballots:attendance", args=[vote.pk]), {"group": "", "names": "赵一 县委\n钱二\n孙三"})
    assert Attendance.objects.filter(vote=vote).count() == 3
    slips = signed_in.post(reverse("ballots:codes_issue", args=[vote.pk]), {"count": 3, "group": ""})
    assert slips.status_code == 200 and slips["Content-Type"] == "application/pdf"
    assert "no-store" in slips["Cache-Control"]
    codes = CODE_PATTERN.findall(pdf_text(slips.content))
    assert len(set(codes)) == 3
    hashes = set(VotingCode.objects.filter(vote=vote).values_list("code_hash", flat=True))
    assert {services.code_hash(vote.pk, code) for code in codes} == hashes
    text = pdf_text(slips.content)
    assert "常委会票决" in text and "只能投一次" in text
    signed_in.post(reverse("ballots:vote_open", args=[vote.pk]), {"confirm": "on"})
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN


def test_open_refused_without_quorum_shows_the_reason(signed_in):
    vote = services.vote_create(actor=None, kind="decision", title="票决", expected_count=9, options=["甲"])
    services.vote_freeze(actor=None, vote=vote)
    services.attendance_sign_in(actor=None, vote=vote, name="一人")
    services.codes_issue(actor=None, vote=vote, count=1)
    page = signed_in.post(reverse("ballots:vote_open", args=[vote.pk]), {"confirm": "on"}).content.decode()
    assert "不足应到会9人的2/3" in page
    vote.refresh_from_db()
    assert vote.status == VoteStatus.FROZEN


def test_lifecycle_steps_need_the_tick(signed_in):
    vote, _ = open_vote()
    page = signed_in.post(reverse("ballots:vote_close", args=[vote.pk]), {}).content.decode()
    assert "请勾选确认" in page
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN


def test_sign_in_ticks_people_of_the_unit(client):
    tree = unit_tree()
    first, second = person_in(tree["east"], "周一"), person_in(tree["east"], "吴二")
    vote = services.vote_create(actor=None, kind="decision", title="东镇票决", expected_count=5, options=["甲"],
                                unit=tree["east"])
    services.vote_freeze(actor=None, vote=vote)
    as_user(client, BallotPermission.MANAGE, units=(tree["east"],))
    page = client.get(reverse("ballots:attendance", args=[vote.pk])).content.decode()
    assert "周一" in page and "吴二" in page
    client.post(reverse("ballots:attendance", args=[vote.pk]), {"group": "", "person": [first.pk, second.pk]})
    assert set(Attendance.objects.filter(vote=vote).values_list("person_id", flat=True)) == {first.pk, second.pk}
    again = client.post(reverse("ballots:attendance", args=[vote.pk]), {"group": "", "person": [first.pk]},
                        follow=True).content.decode()
    assert "已签到" in again and Attendance.objects.filter(vote=vote).count() == 2


# ---------------------------------------------------------------- the voter page


def test_voter_page_is_public_and_asks_for_the_code(client):
    vote, _ = open_vote()
    page = client.get(reverse("ballots:voter", args=[vote.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "请输入您抽到的投票码" in text and 'method="post"' in text
    assert "csrfmiddlewaretoken" in text
    assert page["Cache-Control"] == "no-store"


def test_voter_page_refuses_without_a_valid_code(client):
    vote, _ = open_vote()
    response = client.post(reverse("ballots:voter", args=[vote.pk]), {"code": "AAAA-BBBB"})
    assert response.status_code == 400
    assert "投票码无效" in response.content.decode()
    assert "张三" not in response.content.decode()  # the ballot is not shown
    response = cast_through_page(client, vote, "AAAA-BBBB", **decision_fields(vote, "yes", "yes"))
    assert response.status_code == 400 and "投票码无效" in response.content.decode()
    assert not Ballot.objects.exists()
    assert cast_through_page(client, vote, "").status_code == 400


def test_voter_casts_and_gets_a_receipt_a_retry_gets_the_same(client):
    vote, codes = open_vote()
    ballot = client.post(reverse("ballots:voter", args=[vote.pk]), {"code": codes[0].lower()})
    text = ballot.content.decode()
    assert ballot.status_code == 200 and "张三" in text and "同意" in text
    assert codes[0] in text  # kept in the form's body, never in an address
    assert codes[0] not in reverse("ballots:voter_cast", args=[vote.pk])
    events = AuditEvent.objects.count()
    first = cast_through_page(client, vote, codes[0], **decision_fields(vote, "yes", "abstain"))
    receipt = Ballot.objects.get().receipt
    assert first.status_code == 200 and receipt in first.content.decode()
    again = cast_through_page(client, vote, codes[0], **decision_fields(vote, "yes", "abstain"))
    assert receipt in again.content.decode() and Ballot.objects.count() == 1
    assert AuditEvent.objects.count() == events  # nothing audited per cast
    # the receipt page is the same whatever was chosen
    other = cast_through_page(client, vote, codes[1], **decision_fields(vote, "no", "no"))
    other_receipt = Ballot.objects.exclude(receipt=receipt).get().receipt
    assert len(first.content) == len(other.content)
    assert other.content.decode().replace(other_receipt, receipt) == first.content.decode()


def test_a_used_code_a_closed_vote_and_an_invalid_ballot_get_clear_messages(client):
    vote, codes = open_vote()
    cast_through_page(client, vote, codes[0], **decision_fields(vote, "yes", "yes"))
    used = client.post(reverse("ballots:voter", args=[vote.pk]), {"code": codes[0]})
    assert "已经使用过" in used.content.decode()
    changed = cast_through_page(client, vote, codes[0], **decision_fields(vote, "no", "no"))
    assert "已经使用过" in changed.content.decode()
    incomplete = cast_through_page(client, vote, codes[1], **{f"c_{vote.options.first().pk}": "yes"})
    assert incomplete.status_code == 400
    text = incomplete.content.decode()
    assert "请对每一位人选表明态度" in text and "李四" in text
    assert 'value="yes" checked' in text  # what was chosen is kept
    services.vote_close(actor=None, vote=vote)
    closed = client.post(reverse("ballots:voter", args=[vote.pk]), {"code": codes[2]})
    assert "投票已结束" in closed.content.decode()
    assert "投票已结束" in client.get(reverse("ballots:voter", args=[vote.pk])).content.decode()
    late = cast_through_page(client, vote, codes[2], **decision_fields(vote, "yes", "yes"))
    assert "投票已结束" in late.content.decode()


def test_recommendation_with_too_many_names_is_refused(client):
    vote, codes = open_vote("recommendation", options=("甲", "乙", "丙"), max_choices=2)
    keys = [str(option.pk) for option in vote.options.all()]
    response = cast_through_page(client, vote, codes[0], names=keys)
    assert response.status_code == 400
    assert "每票最多推荐2人" in response.content.decode()
    abstain_mixed = cast_through_page(client, vote, codes[0], names=keys[:1], abstain="1")
    assert "选择弃权的选票不能同时推荐人选" in abstain_mixed.content.decode()
    ok = cast_through_page(client, vote, codes[0], names=keys[:2])
    assert ok.status_code == 200 and Ballot.objects.count() == 1


def test_guessing_codes_is_rate_limited(client):
    vote, codes = open_vote()
    for number in range(services.GUESS_LIMIT):
        client.post(reverse("ballots:voter", args=[vote.pk]), {"code": f"ZZZZ-ZZZ{number + 2}"})
    locked = client.post(reverse("ballots:voter", args=[vote.pk]), {"code": codes[0]})
    assert "错误次数过多" in locked.content.decode()
    assert "李四" not in locked.content.decode()


def test_the_cast_runs_outside_a_request_transaction_and_nothing_of_it_is_logged(client, caplog, settings):
    assert not settings.DATABASES["default"].get("ATOMIC_REQUESTS")
    assert "default" in getattr(views.voter_cast, "_non_atomic_requests", set())
    vote, codes = open_vote()
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("ballots:voter", args=[vote.pk]), {"code": codes[0]})
        cast_through_page(client, vote, codes[0], **decision_fields(vote, "yes", "no"))
        cast_through_page(client, vote, codes[1], **decision_fields(vote, "yes"))  # invalid: 400, logged
    receipt = Ballot.objects.get().receipt
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (codes[0], codes[0].replace("-", ""), codes[1], receipt):
        assert secret not in logged


# ---------------------------------------------------------------- no tally before the count


ROLES = {
    "superuser": None,
    "manage": (BallotPermission.MANAGE,),
    "scrutinize": (BallotPermission.SCRUTINIZE,),
    "view": (BallotPermission.VIEW,),
    "all": tuple(BallotPermission.values),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_no_role_sees_a_figure_per_option_before_the_count(client, django_user_model, role):
    vote, codes = open_vote(options=("张三", "李四"))
    for code in codes[:5]:
        services.ballot_cast(vote=vote, code=code, content={"choices": {
            str(option.pk): "yes" for option in vote.options.all()}})
    if ROLES[role] is None:
        client.force_login(django_user_model.objects.create_superuser(username="root", password="x-Pass-2026!"))
    else:
        as_user(client, *ROLES[role])
    pages = ["ballots:vote_detail", "ballots:projection", "ballots:projection_progress", "ballots:vote_list"]
    for status in ("open", "closed"):
        if status == "closed":
            services.vote_close(actor=None, vote=vote)
        for name in pages:
            args = [] if name == "ballots:vote_list" else [vote.pk]
            text = client.get(reverse(name, args=args)).content.decode()
            assert 'id="result"' not in text and "result-table" not in text
            assert "同意</th>" not in text
        assert client.get(reverse("ballots:report_pdf", args=[vote.pk])).status_code == 403
        assert "已投 5" in client.get(reverse("ballots:projection", args=[vote.pk])).content.decode().replace(
            '</span> <span class="n" id="cast">', " ")


def test_results_after_count_for_scrutineers_and_after_release_for_viewers(client):
    vote, codes = open_vote(expected=3, options=("张三",))
    key = str(vote.options.get().pk)
    for code, value in zip(codes, ("yes", "yes", "no"), strict=True):
        services.ballot_cast(vote=vote, code=code, content={"choices": {key: value}})
    services.vote_close(actor=None, vote=vote)
    scrutineer = user_with_codes(BallotPermission.SCRUTINIZE)
    viewer = user_with_codes(BallotPermission.VIEW)
    client.force_login(scrutineer)
    client.post(reverse("ballots:vote_count", args=[vote.pk]), {"confirm": "on"})
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED
    page = client.get(reverse("ballots:vote_detail", args=[vote.pk])).content.decode()
    assert 'id="result-table"' in page and "通过" in page and vote.digest in page
    report = client.get(reverse("ballots:report_pdf", args=[vote.pk]))
    text = pdf_text(report.content)
    assert report["Content-Type"] == "application/pdf"
    assert vote.digest in text.replace("\n", "") and vote.result.result_digest in text.replace("\n", "")
    assert "计票结果报告单" in text and "监票人" in text and "有效票数" in text
    client.force_login(viewer)
    assert 'id="result-table"' not in client.get(reverse("ballots:vote_detail", args=[vote.pk])).content.decode()
    assert client.get(reverse("ballots:report_pdf", args=[vote.pk])).status_code == 403
    client.force_login(scrutineer)
    client.post(reverse("ballots:vote_release", args=[vote.pk]), {"confirm": "on"})
    client.force_login(viewer)
    assert 'id="result-table"' in client.get(reverse("ballots:vote_detail", args=[vote.pk])).content.decode()
    assert client.get(reverse("ballots:report_pdf", args=[vote.pk])).status_code == 200


# ---------------------------------------------------------------- paper


def paper_post(client, vote, **counts):
    option = vote.options.get()
    data = {"number": 1, "group": "", "issued": 3, "collected": 2, "invalid": 0,
            f"n_{option.pk}_yes": 2, f"n_{option.pk}_no": 0, f"n_{option.pk}_abstain": 0}
    data.update({key.replace("OPTION", str(option.pk)): value for key, value in counts.items()})
    return client.post(reverse("ballots:paper_entry", args=[vote.pk]), data)


def test_paper_batch_by_two_operators_mismatch_blocks_the_count(client):
    vote, codes = open_vote(expected=6, present=6, options=("张三",))
    key = str(vote.options.get().pk)
    for code in codes[:3]:
        services.ballot_cast(vote=vote, code=code, content={"choices": {key: "yes"}})
    services.vote_close(actor=None, vote=vote)
    first = as_user(client, BallotPermission.MANAGE)
    assert paper_post(client, vote).status_code == 302
    page = client.get(reverse("ballots:paper_entry", args=[vote.pk])).content.decode()
    assert "待第二人录入" in page
    # the second entry of the same operator is refused
    assert "您已录入过本批" in paper_post(client, vote).content.decode()
    as_user(client, BallotPermission.SCRUTINIZE)
    paper_post(client, vote, n_OPTION_yes=1, n_OPTION_no=1)
    page = client.get(reverse("ballots:paper_entry", args=[vote.pk])).content.decode()
    assert "两次录入不一致" in page and "张三的同意票数" in page
    counted = client.post(reverse("ballots:vote_count", args=[vote.pk]), {"confirm": "on"}).content.decode()
    assert "不能计票" in counted
    # collected over issued
    assert "不能多于发出票数" in paper_post(client, vote, number=2, collected=4, n_OPTION_yes=4).content.decode()
    batch = vote.paper_batches.get()
    client.post(reverse("ballots:paper_reset", args=[vote.pk, batch.pk]))
    assert not vote.paper_batches.exists()
    paper_post(client, vote)
    client.force_login(first)
    paper_post(client, vote)
    assert vote.paper_batches.get().status == "confirmed"
    as_user(client, BallotPermission.SCRUTINIZE)
    client.post(reverse("ballots:vote_count", args=[vote.pk]), {"confirm": "on"})
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED and vote.result.tally["ballots"] == 5


# ---------------------------------------------------------------- honest limits


def test_the_pages_state_the_honest_limits(signed_in, client):
    vote, _ = open_vote()
    detail = signed_in.get(reverse("ballots:vote_detail", args=[vote.pk])).content.decode()
    assert "结果本身就会暴露每个人的投票" in detail
    assert "结果本身会显示每个人的投票" in signed_in.get(reverse("ballots:projection", args=[vote.pk])).content.decode()
    client.logout()
    assert "结果本身会显示每个人的投票" in client.get(reverse("ballots:voter", args=[vote.pk])).content.decode()
