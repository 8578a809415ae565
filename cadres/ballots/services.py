"""Every write of the secret-ballot module.

Setting up and running a vote (`ballots.manage`): vote_create, vote_update, vote_groups_set,
vote_option_add / vote_option_remove (draft only), vote_freeze, codes_issue, attendance_sign_in,
vote_open, vote_new_round. Scrutineers (`ballots.scrutinize`, 监票): vote_close, paper_batch_reset,
vote_count, vote_release; paper tallies are entered by two operators (paper_batch_enter).
Each takes `actor` first (None is the system), runs in one transaction and is audited.

The voter's write, `ballot_cast`, takes no actor and writes no audit event: the audit notes the
roll and the lifecycle only, never anything per ballot (no event, no time finer than the close).
It must not run inside a caller's transaction (a failed guess is counted in one of its own).
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cadres.accounts.permissions import has_permission
from cadres.audit.services import record
from cadres.ballots.actions import BallotAction, BallotPermission
from cadres.ballots.models import (
    Attendance,
    Ballot,
    CastReceipt,
    CodeAttemptThrottle,
    CountBase,
    PaperBatch,
    PaperBatchStatus,
    PaperTally,
    PersonRating,
    Vote,
    VoteKind,
    VoteOption,
    VoteResult,
    VoterGroup,
    VoteStatus,
    VotingCode,
)
from cadres.ballots.rules import Rules, ballot_normalize, canonical_json, rules_of
from cadres.ballots.tally import PaperCount, box_digest, result_digest, tally

# Codes and receipts: no 0/O, 1/I/L; 8 characters of 31 give 2^39.6 codes per vote.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
RECEIPT_LENGTH = 8
MAX_CODES_PER_ISSUE = 5000
# Guessing: this many unknown codes from one client in the window lock it out for a while.
GUESS_LIMIT = 5
GUESS_WINDOW_SECONDS = 600
GUESS_LOCKOUT_SECONDS = 300

VOTE_FIELDS = (
    "title", "expected_count", "quorum_numerator", "quorum_denominator", "quorum_base",
    "threshold_numerator", "threshold_denominator", "threshold_base", "max_choices",
    "write_ins_allowed", "second_round_below_per_mille", "rating_scale", "unit",
)

INVALID_CODE = "投票码无效，请核对后重新输入"
CODE_USED = "该投票码已经使用过，不能再次投票"
THROTTLED = "投票码输入错误次数过多，请{minutes}分钟后再试，或请工作人员协助"
NOT_OPEN: dict[str, str] = {
    VoteStatus.DRAFT: "投票尚未开始",
    VoteStatus.FROZEN: "投票尚未开始",
}
CLOSED = "投票已结束，不能再投票"
FULL = "已投票数已达到签到人数，不能再投票；如有疑问请联系监票人"
LOCKED = "投票设置已锁定，不能修改；如需重新投票，请发起新一轮"


# ---------------------------------------------------------------- helpers


def _require(actor: Any, code: str, vote: Vote | None = None) -> None:
    """The actor holds the code (None, the system, holds every code) and reaches the vote's unit."""
    if actor is None:
        return
    if not has_permission(actor, code):
        raise PermissionDenied("您没有此项投票工作的权限")
    if vote is not None and vote.unit_id is not None:
        from cadres.org.models import Unit

        if not Unit.objects.restrict(actor, "view").filter(pk=vote.unit_id).exists():
            raise PermissionDenied("该投票不在您的管理范围内")


def _locked(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().get(pk=vote.pk)


def _expect_status(vote: Vote, *statuses: str, message: str) -> None:
    if vote.status not in statuses:
        raise ValidationError(message)


def _random_text(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def code_normalize(code: str) -> str:
    """A code as typed (lower case, spaces, dashes) in the form it was hashed."""
    return "".join(ch for ch in str(code).upper() if ch.isascii() and ch.isalnum())


def code_format(code: str) -> str:
    """A code as printed on the slip: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"


def code_hash(vote_id: int, code: str) -> str:
    """The keyed hash stored for a code: HMAC-SHA256 with a key derived from SECRET_KEY and the
    vote, so a code of one vote is unknown in another and the table alone reveals no code."""
    return salted_hmac(f"cadres.ballots.voting-code.{vote_id}", code_normalize(code),
                       algorithm="sha256").hexdigest()


def _vote_label(vote: Vote) -> str:
    return f"{vote.get_kind_display()}：{vote}"


def _audit(actor: Any, action: str, vote: Vote, changes: dict[str, Any]) -> None:
    record(actor=actor, action=action, target=vote, target_label=_vote_label(vote), changes=changes)


def _rules_snapshot(vote: Vote) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in VOTE_FIELDS:
        value = getattr(vote, name)
        values[name] = value.path if hasattr(value, "path") else value
    return values


# ---------------------------------------------------------------- setting up (draft)


@transaction.atomic
def vote_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    expected_count: int,
    options: Sequence[str | dict[str, Any]] = (),
    groups: Sequence[tuple[str, Any]] = (),
    **rules: Any,
) -> Vote:
    """A new vote in draft, with its options (names, or dicts with name, description, person)
    and voter groups ((name, weight); none: one group, 全体). `rules` are any of VOTE_FIELDS."""
    _require(actor, BallotPermission.MANAGE)
    unknown = set(rules) - set(VOTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if kind == VoteKind.RECOMMENDATION:
        rules.setdefault("threshold_base", CountBase.VALID)
    vote = Vote(kind=kind, title=title, expected_count=expected_count, **rules)
    vote.full_clean()
    vote.save()
    _groups_write(vote, groups)
    for position, option in enumerate(options, 1):
        values = {"name": option} if isinstance(option, str) else dict(option)
        _option_write(vote, position=position, **values)
    _audit(actor, BallotAction.VOTE_CREATED, vote, {
        "kind": vote.kind, **_rules_snapshot(vote),
        "groups": [[group.name, str(group.weight)] for group in vote.groups.all()],
        "options": [option.name for option in vote.options.all()],
    })
    return vote


def _groups_write(vote: Vote, groups: Sequence[tuple[str, Any]]) -> None:
    pairs = list(groups) or [("", Decimal(1))]
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValidationError("投票人类别不能重名")
    for position, (name, weight) in enumerate(pairs, 1):
        group = VoterGroup(vote=vote, name=name, weight=Decimal(str(weight)), position=position)
        group.full_clean(exclude=["vote"])
        group.save()


def _option_write(vote: Vote, *, position: int, name: str, description: str = "", person: Any = None) -> VoteOption:
    option = VoteOption(vote=vote, position=position, name=" ".join(str(name).split()),
                        description=description, person=person)
    option.full_clean(exclude=["vote"])
    option.save()
    return option


@transaction.atomic
def vote_update(*, actor: Any, vote: Vote, **values: Any) -> Vote:
    """Change a draft's rules (any of VOTE_FIELDS); nothing is editable after freeze."""
    unknown = set(values) - set(VOTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.DRAFT, message=LOCKED)
    before = _rules_snapshot(vote)
    for name, value in values.items():
        setattr(vote, name, value)
    vote.full_clean()
    after = _rules_snapshot(vote)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if changes:
        vote.save()
        _audit(actor, BallotAction.VOTE_UPDATED, vote, changes)
    return vote


@transaction.atomic
def vote_groups_set(*, actor: Any, vote: Vote, groups: Sequence[tuple[str, Any]]) -> Vote:
    """Replace a draft's voter groups and their weights."""
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.DRAFT, message=LOCKED)
    before = [[group.name, str(group.weight)] for group in vote.groups.all()]
    vote.groups.all().delete()
    _groups_write(vote, groups)
    after = [[group.name, str(group.weight)] for group in vote.groups.all()]
    _audit(actor, BallotAction.VOTE_UPDATED, vote, {"groups": [before, after]})
    return vote


@transaction.atomic
def vote_option_add(*, actor: Any, vote: Vote, name: str, description: str = "", person: Any = None) -> VoteOption:
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.DRAFT, message=LOCKED)
    position = vote.options.count() + 1
    option = _option_write(vote, position=position, name=name, description=description, person=person)
    _audit(actor, BallotAction.VOTE_OPTION_ADDED, vote, {"name": option.name, "description": description})
    return option


@transaction.atomic
def vote_option_remove(*, actor: Any, option: VoteOption) -> None:
    vote = _locked(option.vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.DRAFT, message=LOCKED)
    _audit(actor, BallotAction.VOTE_OPTION_REMOVED, vote, {"name": option.name})
    option.delete()


def _rules_check(vote: Vote) -> None:
    """The rules make a vote that can be held; a Chinese message naming what is missing."""
    options = list(vote.options.all())
    groups = list(vote.groups.all())
    errors: list[str] = []
    if vote.expected_count < 1:
        errors.append("应到会人数须大于零")
    if not options and not (vote.kind == VoteKind.RECOMMENDATION and vote.write_ins_allowed):
        errors.append("请至少添加一名投票对象")
    if len({option.name for option in options}) != len(options):
        errors.append("投票对象不能重名")
    if vote.quorum_numerator > vote.quorum_denominator:
        errors.append("法定人数比例不能大于1")
    if vote.threshold_numerator > vote.threshold_denominator:
        errors.append("通过比例不能大于1")
    if vote.kind == VoteKind.RECOMMENDATION and not vote.max_choices:
        errors.append("民主推荐须规定每票最多推荐人数")
    if vote.kind == VoteKind.RATING:
        scale = vote.rating_scale or []
        if len(scale) < 2 or len(set(scale)) != len(scale) or not all(isinstance(g, str) and g for g in scale):
            errors.append("测评等次须至少两个且不重复")
    if len(groups) > 1 and sum(group.weight for group in groups) != Decimal(1):
        errors.append("各类投票人的权重之和须为1（100%）")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def vote_freeze(*, actor: Any, vote: Vote) -> Vote:
    """draft → frozen: the rules, options and groups are checked and can no longer change."""
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.DRAFT, message="只有草稿状态的投票可以锁定")
    _rules_check(vote)
    vote.status = VoteStatus.FROZEN
    vote.save(update_fields=["status"])
    _audit(actor, BallotAction.VOTE_FROZEN, vote, {"status": [VoteStatus.DRAFT, VoteStatus.FROZEN]})
    return vote


# ---------------------------------------------------------------- the meeting


def _group(vote: Vote, name: str | None) -> VoterGroup:
    groups = list(vote.groups.all())
    if name is None and len(groups) == 1:
        return groups[0]
    for group in groups:
        if group.name == (name or ""):
            return group
    raise ValidationError(f"投票人类别“{name or ''}”不在本次投票的类别中")


@transaction.atomic
def codes_issue(*, actor: Any, vote: Vote, count: int, group: str | None = None) -> list[str]:
    """Generate `count` one-time codes for a voter group and return them, once, for printing
    (ABCD-EFGH). Only their keyed hashes are stored; the codes cannot be shown again."""
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.FROZEN, VoteStatus.OPEN,
                   message="投票设置锁定后才能生成投票码，投票结束后不能再生成")
    if not 1 <= count <= MAX_CODES_PER_ISSUE:
        raise ValidationError(f"每次生成的投票码数量须在1到{MAX_CODES_PER_ISSUE}之间")
    voter_group = _group(vote, group)
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(_random_text(CODE_LENGTH))
    existing = set(VotingCode.objects.filter(vote=vote).values_list("code_hash", flat=True))
    hashes = {code: code_hash(vote.pk, code) for code in codes}
    codes = {code for code in codes if hashes[code] not in existing}
    while len(codes) < count:  # astronomically rare: a new code equal to an earlier one
        code = _random_text(CODE_LENGTH)
        if (hashed := code_hash(vote.pk, code)) not in existing and code not in codes:
            codes.add(code)
            hashes[code] = hashed
    ordered = list(codes)
    secrets.SystemRandom().shuffle(ordered)
    VotingCode.objects.bulk_create(
        [VotingCode(vote=vote, group=voter_group, code_hash=hashes[code]) for code in ordered], batch_size=1000)
    vote.codes_issued = F("codes_issued") + count
    vote.save(update_fields=["codes_issued"])
    vote.refresh_from_db(fields=["codes_issued"])
    _audit(actor, BallotAction.VOTE_CODES_ISSUED, vote, {"count": count, "group": voter_group.name,
                                                         "codes_issued": vote.codes_issued})
    return [code_format(code) for code in ordered]


@transaction.atomic
def attendance_sign_in(
    *, actor: Any, vote: Vote, name: str = "", person: Any = None, unit_label: str = "", group: str | None = None,
) -> Attendance:
    """签到: one person present (a cadre on record, or a name with a unit). Before or while the
    vote is open; never more than 应到会. The roll is audited; nothing links it to a code."""
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.FROZEN, VoteStatus.OPEN, message="只能在投票设置锁定后、投票结束前签到")
    name = " ".join((name or (person.name if person is not None else "")).split())
    if not name:
        raise ValidationError({"name": "请填写签到人姓名"})
    voter_group = _group(vote, group)
    if vote.present_count >= vote.expected_count:
        raise ValidationError(f"签到人数已达到应到会人数（{vote.expected_count}人），不能再签到")
    roll_key = f"p:{person.pk}" if person is not None else f"n:{name}|{unit_label.strip()}"
    if Attendance.objects.filter(vote=vote, roll_key=roll_key).exists():
        raise ValidationError(f"{name}已经签到")
    attendance = Attendance(vote=vote, group=voter_group, person=person, name=name,
                            unit_label=unit_label.strip(), roll_key=roll_key)
    attendance.full_clean(exclude=["vote", "group"])
    attendance.save()
    VoterGroup.objects.filter(pk=voter_group.pk).update(present_count=F("present_count") + 1)
    Vote.objects.filter(pk=vote.pk).update(present_count=F("present_count") + 1)
    _audit(actor, BallotAction.VOTE_SIGNED_IN, vote, {"name": name, "unit": unit_label.strip(),
                                                      "group": voter_group.name})
    return attendance


@transaction.atomic
def vote_open(*, actor: Any, vote: Vote) -> Vote:
    """frozen → open. Needs people signed in, the quorum of 应到会 when the quorum counts people
    present, and at least as many codes of each group as its people signed in."""
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.FROZEN, message="只有已锁定的投票可以开始")
    if vote.present_count < 1:
        raise ValidationError("尚无人签到，不能开始投票")
    if vote.quorum_base == CountBase.EXPECTED and (
        vote.present_count * vote.quorum_denominator < vote.quorum_numerator * vote.expected_count
    ):
        raise ValidationError(
            f"实到{vote.present_count}人，不足应到会{vote.expected_count}人的"
            f"{vote.quorum_numerator}/{vote.quorum_denominator}，不能开始投票")
    for group in vote.groups.all():
        issued = VotingCode.objects.filter(vote=vote, group=group).count()
        if issued < group.present_count:
            raise ValidationError(
                f"{group}的投票码（{issued}个）少于签到人数（{group.present_count}人），请先生成投票码")
    vote.status = VoteStatus.OPEN
    vote.opened_at = timezone.now()
    vote.save(update_fields=["status", "opened_at"])
    _audit(actor, BallotAction.VOTE_OPENED, vote, {"status": [VoteStatus.FROZEN, VoteStatus.OPEN],
                                                   "present": vote.present_count})
    return vote


# ---------------------------------------------------------------- casting

# The rules of open votes, by (vote id, opening time): they cannot change after freeze.
_RULES_CACHE: dict[tuple[int, Any], Rules] = {}


def _open_rules(vote_id: int, opened_at: Any) -> Rules:
    """The rules of an open vote, read once per opening."""
    rules = _RULES_CACHE.get((vote_id, opened_at))
    if rules is None:
        vote = Vote.objects.prefetch_related("options", "groups").get(pk=vote_id)
        rules = rules_of(vote)
        if len(_RULES_CACHE) > 100:
            _RULES_CACHE.clear()
        _RULES_CACHE[(vote_id, opened_at)] = rules
    return rules


class _UnknownCode(Exception):
    pass


def _client_key(vote_id: int, client: str) -> str:
    if not client:
        return ""
    return salted_hmac(f"cadres.ballots.client.{vote_id}", client, algorithm="sha256").hexdigest()


def _throttle_check(vote_id: int, client_key: str) -> None:
    locked_until = (CodeAttemptThrottle.objects.filter(vote_id=vote_id, client_key=client_key)
                    .values_list("locked_until", flat=True).first())
    now = timezone.now()
    if locked_until is not None and locked_until > now:
        minutes = max(1, -(-int((locked_until - now).total_seconds()) // 60))
        raise ValidationError(THROTTLED.format(minutes=minutes), code="throttled")


def _throttle_fail(vote_id: int, client_key: str) -> None:
    """Count one unknown code for the client; the limit in the window locks it out."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = CodeAttemptThrottle.objects.select_for_update().get_or_create(
            vote_id=vote_id, client_key=client_key, defaults={"window_started_at": now})
        if (now - row.window_started_at).total_seconds() >= GUESS_WINDOW_SECONDS:
            row.failures = 0
            row.window_started_at = now
        row.failures += 1
        if row.failures >= GUESS_LIMIT:
            row.locked_until = now + dt.timedelta(seconds=GUESS_LOCKOUT_SECONDS)
            row.failures = 0
            row.window_started_at = now
        row.save()


def code_check(*, vote: Vote | int, code: str, client: str = "") -> str:
    """Before the voter sees the ballot (the voter page's first step): whether the code may cast
    in this vote, without using it. Returns the code's voter group name. Refusals raise
    ValidationError as `ballot_cast` does (throttled, closed, invalid_code, code_used); an
    unknown code counts as a failed guess for the client, exactly as in a cast."""
    vote_id = vote if isinstance(vote, int) else vote.pk
    client_key = _client_key(vote_id, client)
    _throttle_check(vote_id, client_key)
    found = Vote.objects.filter(pk=vote_id).values_list("status", flat=True).first()
    if found is None:
        raise ValidationError(INVALID_CODE, code="invalid_code")
    if found != VoteStatus.OPEN:
        raise ValidationError(NOT_OPEN.get(found, CLOSED), code="closed")
    row = (VotingCode.objects.filter(vote_id=vote_id, code_hash=code_hash(vote_id, code))
           .values_list("is_used", "group__name").first())
    if row is None:
        _throttle_fail(vote_id, client_key)
        raise ValidationError(INVALID_CODE, code="invalid_code")
    is_used, group_name = row
    if is_used:
        raise ValidationError(CODE_USED, code="code_used")
    return str(group_name)


def ballot_cast(*, vote: Vote | int, code: str, content: Any, client: str = "") -> str:
    """Cast one ballot with a one-time code; returns the receipt.

    In one transaction: the code is marked used only if it was unused (a conditional UPDATE
    whose row count decides), the vote's and the group's counters rise only while the vote is
    open and within the people signed in, the ballot is inserted with a random id and receipt,
    and the code's receipt is kept for retries (one per code: a unique constraint). A retry with
    the same code and the same content returns the same receipt; another content is refused.
    `client` (the address, say) is used only, hashed, to rate-limit guessing; it is not stored
    with anything cast. Invalid ballots and refusals raise ValidationError with a Chinese
    message (its `code`: invalid_code, code_used, closed, full, throttled, invalid).
    """
    vote_id = vote if isinstance(vote, int) else vote.pk
    client_key = _client_key(vote_id, client)
    _throttle_check(vote_id, client_key)
    found = Vote.objects.filter(pk=vote_id).values_list("status", "opened_at").first()
    if found is None:
        raise ValidationError(INVALID_CODE, code="invalid_code")
    status, opened_at = found
    if status != VoteStatus.OPEN:
        raise ValidationError(NOT_OPEN.get(status, CLOSED), code="closed")
    rules = _open_rules(vote_id, opened_at)
    try:
        normalized = ballot_normalize(rules, content)
    except ValidationError as error:
        raise ValidationError(error.messages[0], code="invalid") from error
    content_digest = hashlib.sha256(canonical_json(normalized).encode("utf-8")).hexdigest()
    hashed = code_hash(vote_id, code)
    try:
        with transaction.atomic():
            return _cast(vote_id, hashed, normalized, content_digest)
    except _UnknownCode:
        pass
    _throttle_fail(vote_id, client_key)
    raise ValidationError(INVALID_CODE, code="invalid_code")


def _cast(vote_id: int, hashed: str, content: dict[str, Any], content_digest: str) -> str:
    found = (VotingCode.objects.filter(vote_id=vote_id, code_hash=hashed)
             .values_list("pk", "group_id").first())
    if found is None:
        raise _UnknownCode
    code_id, group_id = found
    if not VotingCode.objects.filter(pk=code_id, is_used=False).update(is_used=True):
        prior = CastReceipt.objects.filter(code_id=code_id).values_list("receipt", "content_digest").first()
        if prior is not None and prior[1] == content_digest:
            return prior[0]
        raise ValidationError(CODE_USED, code="code_used")
    if not Vote.objects.filter(pk=vote_id, status=VoteStatus.OPEN, ballots_cast__lt=F("present_count")).update(
            ballots_cast=F("ballots_cast") + 1):
        status = Vote.objects.filter(pk=vote_id).values_list("status", flat=True).first()
        if status != VoteStatus.OPEN:
            raise ValidationError(CLOSED, code="closed")
        raise ValidationError(FULL, code="full")
    if not VoterGroup.objects.filter(pk=group_id, ballots_cast__lt=F("present_count")).update(
            ballots_cast=F("ballots_cast") + 1):
        raise ValidationError(FULL, code="full")
    receipt = _random_text(RECEIPT_LENGTH)
    Ballot.objects.create(vote_id=vote_id, group_id=group_id, content=content, receipt=receipt)
    CastReceipt.objects.create(code_id=code_id, receipt=receipt, content_digest=content_digest)
    return receipt


# ---------------------------------------------------------------- close, paper, count, release


def _box(vote: Vote) -> list[tuple[str, str, Any]]:
    """(receipt, group name, content) of every ballot of the vote, sorted by receipt."""
    names = dict(VoterGroup.objects.filter(vote=vote).values_list("pk", "name"))
    rows = Ballot.objects.filter(vote=vote).values_list("receipt", "group_id", "content").order_by("receipt")
    return [(receipt, names[group_id], content) for receipt, group_id, content in rows]


@transaction.atomic
def vote_close(*, actor: Any, vote: Vote) -> Vote:
    """open → closed (封箱). The ballots are rewritten in receipt order in this transaction (so
    on PostgreSQL their xmin is the close's and their ctid follows the receipts, not the order
    of casting), the digest over the sorted ballots is computed and kept, and the retry mapping
    (code → receipt) is erased."""
    vote = _locked(vote)
    _require(actor, BallotPermission.SCRUTINIZE, vote)
    _expect_status(vote, VoteStatus.OPEN, message="只有投票中的投票可以结束")
    rows = list(Ballot.objects.filter(vote=vote).order_by("receipt").values("id", "group_id", "content", "receipt"))
    Ballot.objects.filter(vote=vote).delete()
    Ballot.objects.bulk_create([Ballot(vote=vote, **row) for row in rows], batch_size=500)
    CastReceipt.objects.filter(code__vote=vote).delete()
    vote.digest = box_digest(vote.pk, _box(vote))
    vote.status = VoteStatus.CLOSED
    vote.closed_at = timezone.now()
    vote.save(update_fields=["digest", "status", "closed_at"])
    used = VotingCode.objects.filter(vote=vote, is_used=True).count()
    _audit(actor, BallotAction.VOTE_CLOSED, vote, {
        "status": [VoteStatus.OPEN, VoteStatus.CLOSED], "present": vote.present_count,
        "ballots": len(rows), "used_codes": used, "digest": vote.digest,
    })
    if connection.vendor == "postgresql":
        transaction.on_commit(_box_vacuum)
    return vote


def _box_vacuum() -> None:
    """Reclaim the ballot rows the close replaced (best effort; autovacuum does it otherwise)."""
    if connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Ballot._meta.db_table}")
    except Exception:  # noqa: BLE001 - the seal holds without it; autovacuum comes later
        pass


PAPER_MESSAGES = {
    "operator": "纸质票须由录入员本人登录录入",
    "same_operator": "同一批纸质票须由两名不同的录入员分别录入，您已录入过本批",
    "done": "本批纸质票已两次录入一致，不能再录入",
    "mismatch": "本批纸质票两次录入不一致，须由监票人作废两次录入后重新录入",
}


def _paper_counts_check(rules: Rules, counts: Any, valid: int) -> dict[str, Any]:
    """The counts of a paper batch in their stored shape, or a Chinese message."""
    if not isinstance(counts, dict):
        raise ValidationError("纸质票统计数据无法识别")
    names = rules.option_names

    def number(value: Any, label: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError(f"{label}须为不小于零的整数")
        return value

    if rules.kind == "recommendation":
        if set(counts) - {"names", "write_ins", "abstain"}:
            raise ValidationError("纸质票统计数据无法识别")
        named = {str(key): number(value, f"{names.get(str(key), key)}的得票数")
                 for key, value in (counts.get("names") or {}).items()}
        if set(named) - set(names):
            raise ValidationError("纸质票统计中有不在名单上的人选")
        write_ins = {" ".join(str(key).split()): number(value, f"另选他人{key}的得票数")
                     for key, value in (counts.get("write_ins") or {}).items()}
        if write_ins and not rules.write_ins_allowed:
            raise ValidationError("本次推荐不允许另选他人")
        abstain = number(counts.get("abstain", 0), "弃权票数")
        if abstain > valid:
            raise ValidationError("弃权票数不能多于有效票数")
        if rules.max_choices is not None and sum(named.values()) + sum(write_ins.values()) > (
                valid - abstain) * rules.max_choices:
            raise ValidationError("推荐票总数超过有效票数乘以每票最多推荐人数")
        return {"names": {key: value for key, value in named.items() if value},
                "write_ins": {key: value for key, value in write_ins.items() if value}, "abstain": abstain}
    values = ("yes", "no", "abstain") if rules.kind == "decision" else rules.rating_scale
    labels = {"yes": "同意", "no": "不同意", "abstain": "弃权"}
    if set(map(str, counts)) != set(names):
        raise ValidationError("纸质票统计须包括名单上的每一位人选，且只能包括他们")
    stored: dict[str, dict[str, int]] = {}
    for key, marks in counts.items():
        key = str(key)
        if not isinstance(marks, dict) or set(marks) - set(values):
            raise ValidationError(f"{names[key]}的票数无法识别")
        entry = {value: number(marks.get(value, 0), f"{names[key]}的{labels.get(value, value)}票数")
                 for value in values}
        if sum(entry.values()) != valid:
            raise ValidationError(f"{names[key]}的各项票数之和（{sum(entry.values())}）不等于有效票数（{valid}）")
        stored[key] = entry
    return stored


@transaction.atomic
def paper_batch_enter(
    *, actor: Any, vote: Vote, number: int, issued: int, collected: int, invalid: int = 0,
    counts: Any, group: str | None = None,
) -> PaperBatch:
    """One operator's entry of a batch of paper ballots (after close). Two different operators
    enter each batch; equal entries confirm it, a mismatch blocks it (and the count) until the
    scrutineers reset it. Ballots collected never exceed ballots issued."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(PAPER_MESSAGES["operator"])
    if not (has_permission(actor, BallotPermission.MANAGE) or has_permission(actor, BallotPermission.SCRUTINIZE)):
        raise PermissionDenied("您没有录入纸质票的权限")
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE if has_permission(actor, BallotPermission.MANAGE)
             else BallotPermission.SCRUTINIZE, vote)
    _expect_status(vote, VoteStatus.CLOSED, message="纸质票在投票结束后、计票前录入")
    voter_group = _group(vote, group)
    if collected > issued:
        raise ValidationError(f"第{number}批收回票数（{collected}）不能多于发出票数（{issued}）")
    if invalid > collected:
        raise ValidationError(f"第{number}批废票数（{invalid}）不能多于收回票数（{collected}）")
    stored = _paper_counts_check(rules_of(vote), counts, collected - invalid)
    batch, created = PaperBatch.objects.select_for_update().get_or_create(
        vote=vote, number=number, defaults={"issued": issued, "group": voter_group})
    if batch.status == PaperBatchStatus.CONFIRMED:
        raise ValidationError(PAPER_MESSAGES["done"])
    if batch.status == PaperBatchStatus.MISMATCH:
        raise ValidationError(PAPER_MESSAGES["mismatch"])
    earlier = list(batch.tallies.all())
    if any(entry.operator_id == actor.pk for entry in earlier):
        raise ValidationError(PAPER_MESSAGES["same_operator"])
    entry = PaperTally(batch=batch, operator=actor, collected=collected, invalid=invalid,
                       counts={"issued": issued, "group": voter_group.name, "counts": stored})
    entry.full_clean(exclude=["batch", "operator"])
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise ValidationError(PAPER_MESSAGES["same_operator"]) from error
    if earlier:
        first = earlier[0]
        same = (first.collected, first.invalid, canonical_json(first.counts)) == (
            collected, invalid, canonical_json(entry.counts)) and batch.issued == issued
        batch.status = PaperBatchStatus.CONFIRMED if same else PaperBatchStatus.MISMATCH
        batch.save(update_fields=["status"])
    _audit(actor, BallotAction.VOTE_PAPER_ENTERED, vote, {
        "batch": number, "group": voter_group.name, "issued": issued, "collected": collected,
        "invalid": invalid, "status": batch.status, "entry": len(earlier) + 1,
    })
    # After a mismatch both entries are kept for the scrutineers to compare; the batch is blocked.
    return batch


@transaction.atomic
def paper_batch_reset(*, actor: Any, batch: PaperBatch) -> PaperBatch:
    """The scrutineers discard both entries of a batch (after a mismatch) for a fresh pair."""
    vote = _locked(batch.vote)
    _require(actor, BallotPermission.SCRUTINIZE, vote)
    _expect_status(vote, VoteStatus.CLOSED, message="计票后不能再修改纸质票录入")
    batch = PaperBatch.objects.select_for_update().get(pk=batch.pk)
    entries = [[entry.operator.get_username(), entry.collected, entry.invalid, entry.counts]
               for entry in batch.tallies.select_related("operator")]
    batch.tallies.all().delete()
    batch.delete()
    _audit(actor, BallotAction.VOTE_PAPER_RESET, vote, {"batch": batch.number, "entries": entries})
    return batch


def paper_counts(vote: Vote) -> list[PaperCount]:
    """The agreed counts of every paper batch; ValidationError when a batch is not confirmed."""
    result = []
    for batch in vote.paper_batches.prefetch_related("tallies").select_related("group"):
        if batch.status != PaperBatchStatus.CONFIRMED:
            raise ValidationError(f"{batch}纸质票{batch.get_status_display()}，不能计票")
        entry = batch.tallies.all()[0]
        result.append(PaperCount(group=batch.group.name, collected=entry.collected, invalid=entry.invalid,
                                 counts=entry.counts["counts"]))
    return result


@transaction.atomic
def vote_count(*, actor: Any, vote: Vote) -> VoteResult:
    """closed → counted: the box must still match its digest, every paper batch must be
    confirmed, and ballots returned never exceed people present; then the pure tally."""
    vote = _locked(vote)
    _require(actor, BallotPermission.SCRUTINIZE, vote)
    _expect_status(vote, VoteStatus.CLOSED, message="投票结束（封箱）后才能计票")
    box = _box(vote)
    if box_digest(vote.pk, box) != vote.digest:
        raise ValidationError("选票与封箱摘要不一致，不能计票；请监票人运行 cadres vote verify 核查")
    paper = paper_counts(vote)
    returned = len(box) + sum(batch.collected for batch in paper)
    if returned > vote.present_count:
        raise ValidationError(f"收回票数（{returned}）多于实到人数（{vote.present_count}），不能计票")
    rules = rules_of(Vote.objects.prefetch_related("options", "groups").get(pk=vote.pk))
    result = tally(rules, ((group, content) for _, group, content in box), present=vote.present_count, paper=paper)
    vote_result = VoteResult(vote=vote, tally=result, ballot_digest=vote.digest,
                             result_digest=result_digest(result), counted_at=timezone.now())
    vote_result.save()
    vote.status = VoteStatus.COUNTED
    vote.save(update_fields=["status"])
    _audit(actor, BallotAction.VOTE_COUNTED, vote, {
        "status": [VoteStatus.CLOSED, VoteStatus.COUNTED], "ballots": result["ballots"],
        "valid": result["valid"], "invalid": result["invalid"], "quorum_met": result["quorum_met"],
        "digest": vote.digest, "result_digest": vote_result.result_digest,
    })
    return vote_result


@transaction.atomic
def vote_release(*, actor: Any, vote: Vote) -> Vote:
    """counted → released: the result becomes visible to those who may see results."""
    vote = _locked(vote)
    _require(actor, BallotPermission.SCRUTINIZE, vote)
    _expect_status(vote, VoteStatus.COUNTED, message="计票后才能公布结果")
    VoteResult.objects.filter(vote=vote).update(released_at=timezone.now())
    vote.status = VoteStatus.RELEASED
    vote.save(update_fields=["status"])
    rated = _person_ratings_write(vote)
    changes: dict[str, Any] = {"status": [VoteStatus.COUNTED, VoteStatus.RELEASED],
                               "result_digest": vote.result.result_digest}
    if rated:
        changes["person_ratings"] = rated
    _audit(actor, BallotAction.VOTE_RELEASED, vote, changes)
    return vote


def _person_ratings_write(vote: Vote) -> list[str]:
    """A released 民主测评: its result onto the record of every rated cadre on record (the
    year of the close). Returns their names."""
    if vote.kind != VoteKind.RATING:
        return []
    tally_ = VoteResult.objects.get(vote=vote).tally
    entries = {entry["key"]: entry for entry in tally_["options"]}
    year = timezone.localdate(vote.closed_at or timezone.now()).year
    names = []
    for option in vote.options.filter(person__isnull=False).select_related("person"):
        entry = entries.get(option.key)
        if entry is None or option.person is None:
            continue
        rating = PersonRating(person=option.person, vote=vote, year=year, counts=entry["counts"],
                              shares=entry["shares"], valid_ballots=sum(entry["counts"].values()))
        rating.full_clean(exclude=["person", "vote"])
        rating.save()
        names.append(option.person.name)
    return names


@transaction.atomic
def vote_new_round(*, actor: Any, vote: Vote, option_keys: Iterable[str] | None = None,
                   title: str | None = None) -> Vote:
    """A re-vote: a new draft, round n + 1, with the same rules and groups and the chosen
    options (all by default). The earlier round stays as it is."""
    vote = _locked(vote)
    _require(actor, BallotPermission.MANAGE, vote)
    _expect_status(vote, VoteStatus.COUNTED, VoteStatus.RELEASED, message="上一轮计票后才能发起新一轮投票")
    keys = set(option_keys) if option_keys is not None else None
    options = [option for option in vote.options.all() if keys is None or option.key in keys]
    if keys is not None and len(options) != len(keys):
        raise ValidationError("新一轮的人选须来自上一轮的名单")
    rules = {name: getattr(vote, name) for name in VOTE_FIELDS if name != "title"}
    new = Vote(kind=vote.kind, title=title or vote.title, round_number=vote.round_number + 1,
               previous_round=vote, **rules)
    new.full_clean()
    new.save()
    _groups_write(new, [(group.name, group.weight) for group in vote.groups.all()])
    for position, option in enumerate(options, 1):
        _option_write(new, position=position, name=option.name, description=option.description,
                      person=option.person)
    _audit(actor, BallotAction.VOTE_ROUND_CREATED, new, {
        "previous_round": vote.pk, "round_number": new.round_number,
        "options": [option.name for option in options],
    })
    return new
