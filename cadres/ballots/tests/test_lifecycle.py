"""Lifecycle (nothing editable after freeze; a re-vote is a new round), permissions and scope,
no per-option figure before the count for anyone (VOTING.md 8), the audit notes the roll and
the lifecycle only, and the paper fallback (two operators, mismatch blocks, 收回 ≤ 发出)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cadres.accounts.testing import unit_tree
from cadres.audit.models import AuditEvent
from cadres.ballots import services
from cadres.ballots.models import Ballot, PaperBatchStatus, Vote, VoteStatus
from cadres.ballots.selectors import vote_get, vote_progress, vote_result, votes_visible
from cadres.ballots.tests.support import decision, keys, open_vote, sign_in_people, user_with_codes

pytestmark = pytest.mark.django_db


def test_nothing_is_editable_after_freeze():
    vote = services.vote_create(actor=None, kind="decision", title="常委会票决", expected_count=9,
                                options=["张三", "李四"])
    services.vote_update(actor=None, vote=vote, expected_count=11)
    services.vote_freeze(actor=None, vote=vote)
    for attempt in (
        lambda: services.vote_update(actor=None, vote=vote, expected_count=7),
        lambda: services.vote_option_add(actor=None, vote=vote, name="王五"),
        lambda: services.vote_option_remove(actor=None, option=vote.options.first()),
        lambda: services.vote_groups_set(actor=None, vote=vote, groups=[("委员", 1)]),
    ):
        with pytest.raises(ValidationError, match="投票设置已锁定，不能修改"):
            attempt()
    vote.refresh_from_db()
    assert (vote.expected_count, vote.options.count()) == (11, 2)


def test_freeze_checks_the_rules_in_chinese():
    vote = services.vote_create(actor=None, kind="recommendation", title="民主推荐", expected_count=50,
                                groups=[("班子成员", "0.5"), ("职工代表", "0.4")])
    with pytest.raises(ValidationError) as caught:
        services.vote_freeze(actor=None, vote=vote)
    assert caught.value.messages == ["请至少添加一名投票对象", "民主推荐须规定每票最多推荐人数",
                                     "各类投票人的权重之和须为1（100%）"]


def test_lifecycle_order_and_a_new_round_keeps_the_earlier_intact():
    vote, codes = open_vote(expected=5)
    with pytest.raises(ValidationError, match="计票后才能公布结果"):
        services.vote_release(actor=None, vote=vote)
    with pytest.raises(ValidationError, match="投票结束（封箱）后才能计票"):
        services.vote_count(actor=None, vote=vote)
    for code in codes:
        services.ballot_cast(vote=vote, code=code, content=decision(vote, "yes", "no"))
    services.vote_close(actor=None, vote=vote)
    with pytest.raises(ValidationError, match="上一轮计票后才能发起新一轮投票"):
        services.vote_new_round(actor=None, vote=vote)
    services.vote_count(actor=None, vote=vote)
    earlier = {ballot.pk: ballot.content for ballot in Ballot.objects.filter(vote=vote)}
    # when: 李四 failed, a second round for him alone
    second = services.vote_new_round(actor=None, vote=vote, option_keys=[keys(vote)[1]])
    # then
    assert (second.round_number, second.previous_round_id, second.status) == (2, vote.pk, VoteStatus.DRAFT)
    assert [option.name for option in second.options.all()] == ["李四"]
    assert str(second) == "测试投票（第2轮）"
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED
    assert {ballot.pk: ballot.content for ballot in Ballot.objects.filter(vote=vote)} == earlier


def test_no_one_sees_a_per_option_figure_before_the_count(officer):
    scrutineer = user_with_codes("ballots.scrutinize")
    viewer = user_with_codes("ballots.view")
    vote, codes = open_vote(expected=5)
    services.ballot_cast(vote=vote, code=codes[0], content=decision(vote, "yes", "no"))
    for status in ("open", "closed"):
        for user in (officer, scrutineer, viewer):
            with pytest.raises(PermissionDenied, match="计票之前，任何人都不能查看计票数字"):
                vote_result(user, vote)
        # The only live figures: 已投 n / 发出 m.
        assert vote_progress(vote) == {"cast": 1, "issued": 5}
        if status == "open":
            services.vote_close(actor=None, vote=vote)
    services.vote_count(actor=None, vote=vote)
    assert vote_result(scrutineer, vote)["options"][0]["yes"] == 1
    with pytest.raises(PermissionDenied, match="投票结果尚未公布"):
        vote_result(viewer, vote)
    services.vote_release(actor=None, vote=vote)
    assert vote_result(viewer, vote)["released"] is True


def test_permissions_and_unit_scope():
    units = unit_tree()
    nobody = user_with_codes("people.view")
    east_manager = user_with_codes("ballots.manage", units=(units["east"],))
    manager = user_with_codes("ballots.manage")
    with pytest.raises(PermissionDenied):
        services.vote_create(actor=nobody, kind="decision", title="票决", expected_count=9, options=["张三"])
    west_vote = services.vote_create(actor=manager, kind="rating", title="西镇班子测评", expected_count=30,
                                     options=["张三"], unit=units["west"])
    assert not votes_visible(nobody).exists()
    with pytest.raises(Http404):
        vote_get(east_manager, west_vote.pk)
    with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        services.vote_freeze(actor=east_manager, vote=west_vote)
    with pytest.raises(PermissionDenied):
        services.vote_freeze(actor=user_with_codes("ballots.view"), vote=west_vote)
    assert vote_get(manager, west_vote.pk) == west_vote
    # A manager cannot close: closing and counting are for the scrutineers (监票).
    vote, _ = open_vote(expected=3)
    with pytest.raises(PermissionDenied):
        services.vote_close(actor=manager, vote=vote)
    services.vote_close(actor=user_with_codes("ballots.scrutinize"), vote=vote)
    assert not AuditEvent.objects.filter(action="vote.frozen", target_id=str(west_vote.pk)).exists()


def test_audit_notes_the_roll_and_the_lifecycle_never_a_ballot():
    manager = user_with_codes("ballots.manage")
    vote = services.vote_create(actor=manager, kind="decision", title="票决", expected_count=4, options=["张三"])
    services.vote_freeze(actor=manager, vote=vote)
    services.attendance_sign_in(actor=manager, vote=vote, name="委员甲")
    sign_in_people(vote, 3)
    codes = services.codes_issue(actor=manager, vote=vote, count=4)
    services.vote_open(actor=manager, vote=vote)
    before = AuditEvent.objects.count()
    for code in codes:
        services.ballot_cast(vote=vote, code=code, content={"choices": {keys(vote)[0]: "yes"}})
    assert AuditEvent.objects.count() == before  # no event per cast
    services.vote_close(actor=None, vote=vote)
    events = AuditEvent.objects.filter(target_type="ballots.vote").order_by("pk")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["vote.created", "vote.frozen", *["vote.signed_in"] * 4, "vote.codes_issued", "vote.opened",
                       "vote.closed"]
    signed = AuditEvent.objects.filter(action="vote.signed_in").first()
    assert signed.changes == {"name": "委员甲", "unit": "", "group": ""}
    issued = AuditEvent.objects.get(action="vote.codes_issued")
    assert not any(code.replace("-", "") in str(issued.changes) for code in codes)


def test_attendance_never_exceeds_expected_and_once_per_person():
    vote = services.vote_create(actor=None, kind="decision", title="票决", expected_count=2, options=["张三"])
    services.vote_freeze(actor=None, vote=vote)
    services.attendance_sign_in(actor=None, vote=vote, name="委员甲", unit_label="县委")
    with pytest.raises(ValidationError, match="委员甲已经签到"):
        services.attendance_sign_in(actor=None, vote=vote, name="委员甲", unit_label="县委")
    services.attendance_sign_in(actor=None, vote=vote, name="委员乙")
    with pytest.raises(ValidationError, match="签到人数已达到应到会人数（2人）"):
        services.attendance_sign_in(actor=None, vote=vote, name="委员丙")
    assert Vote.objects.get(pk=vote.pk).present_count == 2


def test_codes_are_returned_once_and_stored_only_as_keyed_hashes():
    vote = services.vote_create(actor=None, kind="decision", title="票决", expected_count=3, options=["张三"])
    services.vote_freeze(actor=None, vote=vote)
    codes = services.codes_issue(actor=None, vote=vote, count=3)
    assert len(set(codes)) == 3 and all(len(code) == 9 and code[4] == "-" for code in codes)
    stored = set(vote.codes.values_list("code_hash", flat=True))
    assert stored == {services.code_hash(vote.pk, code) for code in codes}
    assert not any(code.replace("-", "") in value for code in codes for value in stored)
    # The same code under another vote hashes differently.
    assert services.code_hash(vote.pk, codes[0]) != services.code_hash(vote.pk + 1, codes[0])


# ---------------------------------------------------------------- paper fallback


def paper_vote():
    vote, codes = open_vote(expected=20, present=20)
    for code in codes[:10]:
        services.ballot_cast(vote=vote, code=code, content=decision(vote, "yes", "no"))
    services.vote_close(actor=None, vote=vote)
    return vote


def counts(vote, yes=6, no=2, abstain=0):
    first, second = keys(vote)
    return {first: {"yes": yes, "no": no, "abstain": abstain}, second: {"yes": 1, "no": 7, "abstain": 0}}


def test_paper_two_operators_agree_and_the_batch_counts():
    vote = paper_vote()
    first, second = user_with_codes("ballots.manage"), user_with_codes("ballots.manage")
    batch = services.paper_batch_enter(actor=first, vote=vote, number=1, issued=10, collected=9, invalid=1,
                                       counts=counts(vote))
    assert batch.status == PaperBatchStatus.PENDING
    with pytest.raises(ValidationError, match="不能计票"):
        services.vote_count(actor=None, vote=vote)
    with pytest.raises(ValidationError, match="须由两名不同的录入员"):
        services.paper_batch_enter(actor=first, vote=vote, number=1, issued=10, collected=9, invalid=1,
                                   counts=counts(vote))
    batch = services.paper_batch_enter(actor=second, vote=vote, number=1, issued=10, collected=9, invalid=1,
                                       counts=counts(vote))
    assert batch.status == PaperBatchStatus.CONFIRMED
    result = services.vote_count(actor=None, vote=vote).tally
    assert (result["ballots"], result["valid"], result["invalid"]) == (19, 18, 1)
    assert result["options"][0]["yes"] == 16
    assert AuditEvent.objects.filter(action="vote.paper_entered").count() == 2


def test_paper_mismatch_blocks_until_the_scrutineers_reset():
    vote = paper_vote()
    first, second = user_with_codes("ballots.manage"), user_with_codes("ballots.manage")
    services.paper_batch_enter(actor=first, vote=vote, number=1, issued=10, collected=8, counts=counts(vote))
    batch = services.paper_batch_enter(actor=second, vote=vote, number=1, issued=10, collected=8,
                                       counts=counts(vote, yes=5, no=3))
    assert batch.status == PaperBatchStatus.MISMATCH
    with pytest.raises(ValidationError, match="第1批纸质票两次录入不一致，不能计票"):
        services.vote_count(actor=None, vote=vote)
    with pytest.raises(ValidationError, match="须由监票人作废两次录入后重新录入"):
        services.paper_batch_enter(actor=user_with_codes("ballots.manage"), vote=vote, number=1, issued=10,
                                   collected=8, counts=counts(vote))
    services.paper_batch_reset(actor=user_with_codes("ballots.scrutinize"), batch=batch)
    services.paper_batch_enter(actor=first, vote=vote, number=1, issued=10, collected=8, counts=counts(vote))
    services.paper_batch_enter(actor=second, vote=vote, number=1, issued=10, collected=8, counts=counts(vote))
    assert services.vote_count(actor=None, vote=vote).tally["ballots"] == 18


def test_paper_collected_never_exceeds_issued_and_sums_are_checked():
    vote = paper_vote()
    operator = user_with_codes("ballots.manage")
    with pytest.raises(ValidationError, match=r"第1批收回票数（11）不能多于发出票数（10）"):
        services.paper_batch_enter(actor=operator, vote=vote, number=1, issued=10, collected=11,
                                   counts=counts(vote, yes=9))
    with pytest.raises(ValidationError, match=r"张三的各项票数之和（8）不等于有效票数（9）"):
        services.paper_batch_enter(actor=operator, vote=vote, number=1, issued=10, collected=9, counts=counts(vote))
    with pytest.raises(PermissionDenied):
        services.paper_batch_enter(actor=None, vote=vote, number=1, issued=10, collected=8, counts=counts(vote))
    # Electronic and paper together never exceed the people present.
    services.paper_batch_enter(actor=operator, vote=vote, number=1, issued=12, collected=12, counts={
        keys(vote)[0]: {"yes": 12, "no": 0, "abstain": 0}, keys(vote)[1]: {"yes": 12, "no": 0, "abstain": 0}})
    services.paper_batch_enter(actor=user_with_codes("ballots.manage"), vote=vote, number=1, issued=12,
                               collected=12, counts={keys(vote)[0]: {"yes": 12}, keys(vote)[1]: {"yes": 12}})
    with pytest.raises(ValidationError, match=r"收回票数（22）多于实到人数（20）"):
        services.vote_count(actor=None, vote=vote)
