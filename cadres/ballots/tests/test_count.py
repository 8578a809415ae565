"""The count: quorum and threshold boundaries (VOTING.md 9), a full scenario with ballots
generated in advance (10), the recount equal to the result and the digest, an edited ballot
detected by `cadres vote verify` (6)."""

import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cadres.ballots import services
from cadres.ballots.models import Ballot, VoteResult
from cadres.ballots.recount import box_read, recount
from cadres.ballots.rules import rules_of
from cadres.ballots.tally import box_digest, tally
from cadres.ballots.tests.support import decision, keys, open_vote

pytestmark = pytest.mark.django_db


def close_and_count(vote):
    services.vote_close(actor=None, vote=vote)
    return services.vote_count(actor=None, vote=vote).tally


def test_exactly_two_thirds_present_meets_the_quorum_and_one_less_cannot_open():
    # 应到会 9: 6 present is exactly 2/3.
    vote, codes = open_vote(expected=9, present=6)
    for code in codes:
        services.ballot_cast(vote=vote, code=code, content=decision(vote, "yes", "no"))
    result = close_and_count(vote)
    assert result["quorum_met"] is True
    # 5 of 9 present: below 2/3, the vote cannot open.
    with pytest.raises(ValidationError, match="实到5人，不足应到会9人的2/3"):
        open_vote(expected=9, present=5)


def test_exactly_half_of_expected_in_favour_fails_and_one_more_passes():
    # 应到会 10, 10 present: 张三 gets 5 同意 (exactly half: fails), 李四 6 (passes).
    vote, codes = open_vote(expected=10, present=10)
    for index, code in enumerate(codes):
        first = "yes" if index < 5 else "no"
        second = "yes" if index < 6 else "abstain"
        services.ballot_cast(vote=vote, code=code, content=decision(vote, first, second))
    options = {entry["name"]: entry for entry in close_and_count(vote)["options"]}
    assert (options["张三"]["yes"], options["张三"]["passed"]) == (5, False)
    assert (options["李四"]["yes"], options["李四"]["passed"]) == (6, True)
    assert (options["李四"]["no"], options["李四"]["abstain"]) == (0, 4)


def test_threshold_counts_against_expected_not_present():
    # 应到会 12, 8 present, 6 in favour: a majority of those present, not of 应到会 (6 = 12/2).
    vote, codes = open_vote(expected=12, present=8)
    for index, code in enumerate(codes):
        services.ballot_cast(vote=vote, code=code, content=decision(vote, "yes" if index < 6 else "no", "yes"))
    options = {entry["name"]: entry for entry in close_and_count(vote)["options"]}
    assert options["张三"]["passed"] is False
    assert options["李四"]["passed"] is True  # 8 > 6


def test_full_rating_scenario_with_weights_totals_equal_their_sums():
    """A 测评 of 40 cadres by three weighted groups, ballots generated in advance."""
    rng = random.Random(13)
    names = tuple(f"干部{index:02d}" for index in range(40))
    groups = (("班子成员", "0.4"), ("中层干部", "0.3"), ("职工代表", "0.3"))
    per_group = {"班子成员": 7, "中层干部": 20, "职工代表": 33}
    vote, codes = open_vote("rating", expected=60, options=names, groups=groups, per_group=per_group)
    scale = ["优秀", "称职", "基本称职", "不称职"]
    planned = {group: [{key: rng.choice(scale) for key in keys(vote)} for _ in codes[group]] for group in codes}
    for group, group_codes in codes.items():
        for code, ratings in zip(group_codes, planned[group]):
            services.ballot_cast(vote=vote, code=code, content={"ratings": ratings})
    result = close_and_count(vote)
    assert (result["ballots"], result["valid"], result["invalid"]) == (60, 60, 0)
    for entry in result["options"]:
        key = entry["key"]
        expected_by_group = {group: Counter(ballot[key] for ballot in planned[group]) for group in planned}
        for group in planned:
            assert entry["by_group"][group] == {grade: expected_by_group[group][grade] for grade in scale}
        assert entry["counts"] == {grade: sum(c[grade] for c in expected_by_group.values()) for grade in scale}
        weighted = sum(weight * expected_by_group[group]["优秀"] / per_group[group]
                       for group, weight in ((g, float(w)) for g, w in groups))
        assert float(entry["shares"]["优秀"]) == pytest.approx(weighted, abs=0.00005)
    # The recount, on its own path, agrees to the last digit.
    assert recount(box_read(vote.pk)) == result


def test_full_recommendation_scenario_with_write_ins_and_second_round():
    rng = random.Random(7)
    vote, codes = open_vote("recommendation", expected=120, present=100, options=("甲", "乙", "丙", "丁"),
                            max_choices=2, write_ins_allowed=True, second_round_below_per_mille=300)
    option_keys = keys(vote)
    planned = []
    for _ in codes:
        roll = rng.random()
        if roll < 0.1:
            planned.append({"abstain": True})
        elif roll < 0.2:
            planned.append({"names": [rng.choice(option_keys)], "write_ins": [rng.choice(["戊", "己"])]})
        else:
            planned.append({"names": rng.sample(option_keys, 2), "write_ins": []})
    for code, content in zip(codes, planned):
        services.ballot_cast(vote=vote, code=code, content=content)
    result = close_and_count(vote)
    votes = Counter(key for ballot in planned for key in ballot.get("names", []))
    written = Counter(name for ballot in planned for name in ballot.get("write_ins", []))
    assert {entry["key"]: entry["votes"] for entry in result["options"]} == {key: votes[key] for key in option_keys}
    assert {item["name"]: item["count"] for item in result["write_ins"]} == dict(written)
    assert result["abstain"] == sum(1 for ballot in planned if ballot.get("abstain"))
    top = max([*votes.values(), *written.values()])
    assert result["second_round_needed"] == (top / result["valid"] < 0.3)
    assert recount(box_read(vote.pk)) == result


def test_tally_is_pure_and_digest_ignores_the_order_ballots_come_in():
    vote, codes = open_vote(expected=5)
    for code, values in zip(codes, [("yes", "yes"), ("no", "yes"), ("abstain", "no"), ("yes", "no"), ("yes", "yes")]):
        services.ballot_cast(vote=vote, code=code, content=decision(vote, *values))
    vote = services.vote_close(actor=None, vote=vote)
    rules = rules_of(vote)
    box = list(Ballot.objects.filter(vote=vote).values_list("receipt", "group__name", "content"))
    shuffled = list(reversed(box))
    assert box_digest(vote.pk, box) == box_digest(vote.pk, shuffled) == vote.digest
    first = tally(rules, [(group, content) for _, group, content in box], present=5)
    again = tally(rules, [(group, content) for _, group, content in shuffled], present=5)
    assert first == again
    assert first["options"][0] == {"key": keys(vote)[0], "name": "张三", "yes": 3, "no": 1, "abstain": 1,
                                        "passed": True}


def test_verify_passes_then_detects_one_edited_ballot(capsys):
    vote, codes = open_vote(expected=5)
    for code in codes:
        services.ballot_cast(vote=vote, code=code, content=decision(vote, "yes", "no"))
    close_and_count(vote)
    services.vote_release(actor=None, vote=vote)
    call_command("vote", "verify", str(vote.pk))
    assert "核验通过" in capsys.readouterr().out
    # when: someone with the database edits one stored ballot
    ballot = Ballot.objects.filter(vote=vote).first()
    Ballot.objects.filter(pk=ballot.pk).update(content=decision(vote, "no", "no"))
    # then
    with pytest.raises(CommandError, match="选票与封箱摘要不一致") as caught:
        call_command("vote", "verify", str(vote.pk))
    assert caught.value.returncode == 2
    assert "重新计票与公布的结果不一致" in str(caught.value)


def test_verify_detects_a_deleted_ballot_and_an_edited_result():
    vote, codes = open_vote(expected=5)
    for code in codes:
        services.ballot_cast(vote=vote, code=code, content=decision(vote, "yes", "no"))
    close_and_count(vote)
    VoteResult.objects.filter(vote=vote).update(tally={**vote.result.tally, "valid": 4})
    with pytest.raises(CommandError, match="结果被修改"):
        call_command("vote", "verify", str(vote.pk))
    Ballot.objects.filter(pk=Ballot.objects.filter(vote=vote).first().pk).delete()
    with pytest.raises(CommandError, match="已使用投票码 5 个，存储选票 4 张"):
        call_command("vote", "verify", str(vote.pk))
    with pytest.raises(CommandError, match="选票完整性检查未通过"):
        call_command("vote", "check")


def test_count_refuses_a_box_that_no_longer_matches_its_digest():
    vote, codes = open_vote(expected=3)
    for code in codes:
        services.ballot_cast(vote=vote, code=code, content=decision(vote, "yes", "no"))
    services.vote_close(actor=None, vote=vote)
    Ballot.objects.filter(pk=Ballot.objects.filter(vote=vote).first().pk).update(content=decision(vote, "no", "no"))
    with pytest.raises(ValidationError, match="选票与封箱摘要不一致，不能计票"):
        services.vote_count(actor=None, vote=vote)
