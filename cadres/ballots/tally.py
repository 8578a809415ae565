"""The tally: a pure function of the rules, the ballots' contents, the paper counts and the
number of people present. No database, no clock; the same input gives the same result.

An independent recount lives in recount.py (another reading of the box, another algorithm);
`cadres vote verify` holds the two to each other.

The result (JSON-ready, stored in VoteResult.tally and printed on the 计票结果报告单):
    kind, expected, present, ballots (returned: electronic + paper collected), valid, invalid,
    quorum_met, groups [{name, weight, ballots}], options [per option: counts, passed …],
    and for 民主推荐 write_ins [{name, count}], abstain, second_round_needed.
Shares are decimal strings with four places, rounded half up (“0.6667”).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from cadres.ballots.rules import DECISION_VALUES, Rules, ballot_normalize, canonical_json

DIGEST_HEADER = "cadres-ballots-v1"


@dataclass(frozen=True)
class PaperCount:
    """The agreed counts of one paper batch (see PaperTally.counts for the shape per kind)."""

    group: str
    collected: int
    invalid: int
    counts: dict[str, Any] = field(default_factory=dict)


def share_text(value: Fraction) -> str:
    """A share as a decimal with four places, rounded half up, by integer arithmetic."""
    scaled = value * 10_000
    units = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return f"{units // 10_000}.{units % 10_000:04d}"


def box_digest(vote_id: int, ballots: Iterable[tuple[str, str, Any]]) -> str:
    """SHA-256 over the ballots (receipt, group, content) sorted by receipt, one canonical JSON
    line each, after a header naming the vote. Never sorted by anything else."""
    lines = sorted(
        (receipt, canonical_json({"content": content, "group": group, "receipt": receipt}))
        for receipt, group, content in ballots
    )
    text = "\n".join([DIGEST_HEADER, f"vote:{vote_id}", *(line for _, line in lines)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def result_digest(result: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(result).encode("utf-8")).hexdigest()


def _passes(rules: Rules, count: int, *, present: int, valid: int) -> bool:
    base = {"expected": rules.expected_count, "present": present, "valid": valid}[rules.threshold_base]
    # Strictly more than the share: exactly half of 应到会 fails.
    return count * rules.threshold.denominator > rules.threshold.numerator * base


def _quorum_met(rules: Rules, *, present: int, returned: int) -> bool:
    if rules.quorum_base == "present":
        return returned * rules.quorum.denominator >= rules.quorum.numerator * present
    return present * rules.quorum.denominator >= rules.quorum.numerator * rules.expected_count


def tally(rules: Rules, ballots: Iterable[tuple[str, Any]], *, present: int,
          paper: Iterable[PaperCount] = ()) -> dict[str, Any]:
    """Count the ballots (group name, content) and the paper batches under the rules."""
    groups = [name for name, _ in rules.groups]
    per_group_valid = dict.fromkeys(groups, 0)
    invalid = 0
    returned = 0
    # (group, option key, value) → count; value is a decision, a grade or "named".
    marks: dict[tuple[str, str, str], int] = {}
    write_ins: dict[str, int] = {}
    abstain = 0

    def add(group: str, key: str, value: str, count: int = 1) -> None:
        marks[(group, key, value)] = marks.get((group, key, value), 0) + count

    for group, content in ballots:
        returned += 1
        try:
            normalized = ballot_normalize(rules, content)
        except ValidationError:
            invalid += 1
            continue
        if group not in per_group_valid:
            invalid += 1
            continue
        per_group_valid[group] += 1
        if rules.kind == "decision":
            for key, value in normalized["choices"].items():
                add(group, key, value)
        elif rules.kind == "rating":
            for key, grade in normalized["ratings"].items():
                add(group, key, grade)
        elif normalized.get("abstain"):
            abstain += 1
        else:
            for key in normalized["names"]:
                add(group, key, "named")
            for name in normalized["write_ins"]:
                write_ins[name] = write_ins.get(name, 0) + 1

    for batch in paper:
        returned += batch.collected
        invalid += batch.invalid
        per_group_valid[batch.group] = per_group_valid.get(batch.group, 0) + batch.collected - batch.invalid
        if rules.kind == "recommendation":
            for key, count in batch.counts.get("names", {}).items():
                add(batch.group, key, "named", count)
            for name, count in batch.counts.get("write_ins", {}).items():
                write_ins[name] = write_ins.get(name, 0) + count
            abstain += batch.counts.get("abstain", 0)
        else:
            for key, values in batch.counts.items():
                for value, count in values.items():
                    add(batch.group, key, value, count)

    valid = sum(per_group_valid.values())
    quorum_met = _quorum_met(rules, present=present, returned=returned)
    result: dict[str, Any] = {
        "kind": rules.kind,
        "expected": rules.expected_count,
        "present": present,
        "ballots": returned,
        "valid": valid,
        "invalid": invalid,
        "quorum_met": quorum_met,
        "groups": [{"name": name, "weight": share_text(weight), "ballots": per_group_valid[name]}
                   for name, weight in rules.groups],
    }

    def total(key: str, value: str) -> int:
        return sum(marks.get((group, key, value), 0) for group in groups)

    options: list[dict[str, Any]] = []
    for key, name in rules.options:
        entry: dict[str, Any] = {"key": key, "name": name}
        if rules.kind == "decision":
            for value in DECISION_VALUES:
                entry[value] = total(key, value)
            entry["passed"] = quorum_met and _passes(rules, entry["yes"], present=present, valid=valid)
        elif rules.kind == "recommendation":
            entry["votes"] = total(key, "named")
            entry["share"] = share_text(Fraction(entry["votes"], valid)) if valid else share_text(Fraction(0))
            entry["passed"] = quorum_met and _passes(rules, entry["votes"], present=present, valid=valid)
        else:
            entry["counts"] = {grade: total(key, grade) for grade in rules.rating_scale}
            entry["by_group"] = {group: {grade: marks.get((group, key, grade), 0) for grade in rules.rating_scale}
                                 for group in groups}
            entry["shares"] = _weighted_shares(rules, entry["by_group"])
        options.append(entry)
    result["options"] = options

    if rules.kind == "recommendation":
        result["abstain"] = abstain
        result["write_ins"] = [{"name": name, "count": count}
                               for name, count in sorted(write_ins.items(), key=lambda item: (-item[1], item[0]))]
        top = max([entry["votes"] for entry in options] + list(write_ins.values()) + [0])
        result["second_round_needed"] = bool(
            rules.second_round_below is not None
            and (valid == 0 or Fraction(top, valid) < rules.second_round_below)
        )
    return result


def _weighted_shares(rules: Rules, by_group: dict[str, dict[str, int]]) -> dict[str, str]:
    """Each grade's share of a cadre's ratings: each group's share weighted by the group's
    weight, the weights of groups that rated the cadre taken as the whole."""
    weights = dict(rules.groups)
    rated = {group: sum(counts.values()) for group, counts in by_group.items()}
    weight_total = sum((weights[group] for group, count in rated.items() if count), Fraction(0))
    shares: dict[str, str] = {}
    for grade in rules.rating_scale:
        if not weight_total:
            shares[grade] = share_text(Fraction(0))
            continue
        value = sum((weights[group] * Fraction(counts[grade], rated[group])
                     for group, counts in by_group.items() if rated[group]), Fraction(0))
        shares[grade] = share_text(value / weight_total)
    return shares
