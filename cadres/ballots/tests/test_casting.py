"""Casting: one ballot per code, idempotent retries, codes of other votes and guesses refused
and rate-limited, nothing after close, invalid ballots refused in Chinese (VOTING.md 1, 3, 4)."""

import pytest
from django.core.exceptions import ValidationError

from cadres.ballots import services
from cadres.ballots.models import Ballot, CastReceipt, CodeAttemptThrottle, VotingCode
from cadres.ballots.selectors import vote_integrity
from cadres.ballots.tests.support import decision, keys, open_vote

pytestmark = pytest.mark.django_db


def refused(code: str, call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.code == code, caught.value
    return caught.value


def test_code_used_twice_same_content_returns_the_same_receipt():
    # given
    vote, codes = open_vote()
    content = decision(vote, "yes", "no")
    # when
    first = services.ballot_cast(vote=vote, code=codes[0], content=content)
    again = services.ballot_cast(vote=vote, code=codes[0].lower().replace("-", " "), content=content)
    # then
    assert first == again
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert vote_integrity(vote).is_intact


def test_code_used_twice_with_another_content_is_refused():
    vote, codes = open_vote()
    services.ballot_cast(vote=vote, code=codes[0], content=decision(vote, "yes", "no"))
    error = refused("code_used", lambda: services.ballot_cast(
        vote=vote, code=codes[0], content=decision(vote, "no", "no")))
    assert "已经使用过" in error.messages[0]
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_code_of_another_vote_is_refused():
    vote, codes = open_vote()
    other, other_codes = open_vote()
    error = refused("invalid_code", lambda: services.ballot_cast(
        vote=vote, code=other_codes[0], content=decision(vote, "yes", "yes")))
    assert error.messages == ["投票码无效，请核对后重新输入"]
    assert not Ballot.objects.exists()


def test_guessing_is_rate_limited_per_client_even_for_a_valid_code():
    vote, codes = open_vote()
    content = decision(vote, "yes", "yes")
    for guess in range(services.GUESS_LIMIT):
        refused("invalid_code", lambda guess=guess: services.ballot_cast(
            vote=vote, code=f"ZZZZ-{guess:04d}", content=content, client="10.0.0.9"))
    # Locked out: even a valid code from that client waits; another client is not held up.
    error = refused("throttled", lambda: services.ballot_cast(
        vote=vote, code=codes[0], content=content, client="10.0.0.9"))
    assert "错误次数过多" in error.messages[0]
    assert services.ballot_cast(vote=vote, code=codes[1], content=content, client="10.0.0.10")
    # The throttle keeps a keyed hash of the client, never the address.
    assert not CodeAttemptThrottle.objects.filter(client_key__contains="10.0.0").exists()


def test_no_vote_before_open_or_after_close():
    vote, codes = open_vote()
    services.ballot_cast(vote=vote, code=codes[0], content=decision(vote, "yes", "yes"))
    services.vote_close(actor=None, vote=vote)
    error = refused("closed", lambda: services.ballot_cast(
        vote=vote, code=codes[1], content=decision(vote, "yes", "yes")))
    assert error.messages == ["投票已结束，不能再投票"]
    # A retry of an accepted ballot after close is refused too: the mapping is gone.
    refused("closed", lambda: services.ballot_cast(vote=vote, code=codes[0], content=decision(vote, "yes", "yes")))
    assert not CastReceipt.objects.exists()
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_ballots_never_exceed_people_signed_in():
    vote, codes = open_vote(expected=9, present=6, codes=8)
    content = decision(vote, "yes", "yes")
    for code in codes[:6]:
        services.ballot_cast(vote=vote, code=code, content=content)
    error = refused("full", lambda: services.ballot_cast(vote=vote, code=codes[6], content=content))
    assert "签到人数" in error.messages[0]
    assert Ballot.objects.filter(vote=vote).count() == 6
    assert VotingCode.objects.filter(vote=vote, is_used=True).count() == 6


@pytest.mark.parametrize(("kind", "content", "message"), [
    ("decision", {"choices": {}}, "请对每一位人选表明态度（同意、不同意或弃权），尚未选择：张三、李四"),
    ("decision", {"choices": {"999": "yes"}}, "选票中有不在名单上的人选，请重新填写"),
    ("decision", "同意", "选票内容无法识别，请重新填写"),
    ("recommendation", {"names": ["K0", "K1", "K2"]}, "推荐人数超过规定：每票最多推荐2人，本票推荐了3人，选票无效"),
    ("recommendation", {"names": ["999"]}, "推荐的人选不在名单上，请从名单中选择或另选他人"),
    ("recommendation", {"names": ["K0"], "abstain": True}, "选择弃权的选票不能同时推荐人选，请只选其一"),
    ("recommendation", {"names": [], "write_ins": ["王五"]}, "本次推荐不允许另选他人"),
    ("recommendation", {"names": ["K0", "K0"]}, "同一人选不能重复推荐"),
    ("recommendation", {"names": []}, "请至少推荐一人，或选择弃权"),
    ("rating", {"ratings": {"K0": "优秀"}}, "请对每一位测评对象评定等次，尚未评定：李四、王五"),
    ("rating", {"ratings": {"K0": "良好", "K1": "称职", "K2": "称职"}}, "测评等次只能是优秀、称职、基本称职、不称职"),
])
def test_invalid_ballots_are_refused_with_a_clear_message(kind, content, message):
    vote, codes = open_vote(kind, options=("张三", "李四", "王五"))
    option_keys = keys(vote)
    if isinstance(content, dict):
        content = _with_keys(content, option_keys)
    if kind == "decision" and content == {"choices": {}}:
        content = {"choices": {option_keys[2]: "yes"}}
    error = refused("invalid", lambda: services.ballot_cast(vote=vote, code=codes[0], content=content))
    assert error.messages == [message]
    # An invalid ballot uses nothing: the code still works.
    assert not VotingCode.objects.filter(vote=vote, is_used=True).exists()


def _with_keys(value, option_keys):
    mapping = {f"K{index}": key for index, key in enumerate(option_keys)}
    if isinstance(value, dict):
        return {mapping.get(key, key): _with_keys(item, option_keys) for key, item in value.items()}
    if isinstance(value, list):
        return [mapping.get(item, item) for item in value]
    return value


def test_write_ins_when_allowed_and_abstain_alone():
    vote, codes = open_vote("recommendation", options=("张三", "李四"), write_ins_allowed=True)
    option_keys = keys(vote)
    services.ballot_cast(vote=vote, code=codes[0], content={"names": [option_keys[1]], "write_ins": [" 王  五 "]})
    services.ballot_cast(vote=vote, code=codes[1], content={"abstain": True})
    contents = sorted(Ballot.objects.values_list("content", flat=True), key=str)
    assert {"names": [option_keys[1]], "write_ins": ["王 五"]} in contents
    assert {"abstain": True} in contents
    with pytest.raises(ValidationError, match="另选他人的姓名与名单上的人选相同"):
        services.ballot_cast(vote=vote, code=codes[2], content={"names": [], "write_ins": ["张三"]})
