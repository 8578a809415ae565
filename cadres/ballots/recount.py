"""An independent recount: another reading of the box and another algorithm than tally.py.

It reads the tables with plain SQL (no ORM model, no services), checks each ballot with its
own rules, counts flat marks "group|key|value" in a Counter, computes shares with Decimal
rather than Fraction, hashes the box incrementally, and builds the result in the published
shape. `cadres vote verify` compares it with the stored result and digest; the two code paths
share only the shape of the result and the canonical form of a ballot line (the spec).
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from django.db import connection

FOUR_PLACES = Decimal("0.0001")
DECISIONS = ("yes", "no", "abstain")


@dataclass
class Box:
    """What the recount reads: the vote's row, its options, groups, ballots and paper."""

    vote: dict[str, Any]
    options: list[tuple[str, str]]
    groups: list[tuple[int, str, Decimal]]
    ballots: list[tuple[str, str, Any]]  # (receipt, group name, content)
    paper: list[tuple[str, int, int, dict[str, Any]]]  # (group, collected, invalid, counts)
    used_codes: int


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def box_read(vote_id: int) -> Box:
    """Read a vote's box with SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, kind, expected_count, quorum_numerator, quorum_denominator, quorum_base,"
            " threshold_numerator, threshold_denominator, threshold_base, max_choices,"
            " write_ins_allowed, second_round_below_per_mille, rating_scale, present_count,"
            " ballots_cast, digest, status FROM ballots_vote WHERE id = %s", [vote_id])
        row = cursor.fetchone()
        if row is None:
            raise LookupError(vote_id)
        names = [column[0] for column in cursor.description]
        vote = dict(zip(names, row))
        vote["rating_scale"] = _json(vote["rating_scale"])
        cursor.execute("SELECT id, name FROM ballots_voteoption WHERE vote_id = %s ORDER BY position, id", [vote_id])
        options = [(str(pk), name) for pk, name in cursor.fetchall()]
        cursor.execute("SELECT id, name, weight FROM ballots_votergroup WHERE vote_id = %s ORDER BY position, id",
                       [vote_id])
        groups = [(pk, name, Decimal(str(weight))) for pk, name, weight in cursor.fetchall()]
        group_names = {pk: name for pk, name, _ in groups}
        cursor.execute("SELECT receipt, group_id, content FROM ballots_ballot WHERE vote_id = %s", [vote_id])
        ballots = [(receipt, group_names.get(group_id, f"?{group_id}"), _json(content))
                   for receipt, group_id, content in cursor.fetchall()]
        cursor.execute(
            "SELECT b.id, b.group_id, b.status, t.collected, t.invalid, t.counts FROM ballots_paperbatch b"
            " JOIN ballots_papertally t ON t.batch_id = b.id WHERE b.vote_id = %s ORDER BY b.number, t.id",
            [vote_id])
        paper: list[tuple[str, int, int, dict[str, Any]]] = []
        seen: set[int] = set()
        for batch_id, group_id, status, collected, invalid, counts in cursor.fetchall():
            if status != "confirmed" or batch_id in seen:
                continue
            seen.add(batch_id)
            paper.append((group_names[group_id], collected, invalid, _json(counts)["counts"]))
        cursor.execute("SELECT COUNT(*) FROM ballots_votingcode WHERE vote_id = %s AND is_used = %s", [vote_id, True])
        used_codes = cursor.fetchone()[0]
    return Box(vote=vote, options=options, groups=groups, ballots=ballots, paper=paper, used_codes=used_codes)


def digest_recompute(vote_id: int, ballots: list[tuple[str, str, Any]]) -> str:
    """The box digest, hashed line by line in receipt order."""
    hasher = hashlib.sha256()
    hasher.update(f"cadres-ballots-v1\nvote:{vote_id}".encode())
    for receipt, group, content in sorted(ballots, key=lambda ballot: ballot[0]):
        line = json.dumps({"receipt": receipt, "group": group, "content": content},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        hasher.update(b"\n" + line.encode("utf-8"))
    return hasher.hexdigest()


def _share(numerator: Decimal | int, denominator: Decimal | int) -> str:
    if not denominator:
        return "0.0000"
    with localcontext() as context:
        context.prec = 50
        return str((Decimal(numerator) / Decimal(denominator)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP))


def _marks(vote: dict[str, Any], keys: list[str], names: set[str], content: Any) -> list[str] | None:
    """The marks of one ballot ("key|value", "write_in|name", "abstain"), or None if invalid."""
    kind = vote["kind"]
    if not isinstance(content, dict):
        return None
    if kind in ("decision", "rating"):
        field = "choices" if kind == "decision" else "ratings"
        allowed = DECISIONS if kind == "decision" else tuple(vote["rating_scale"])
        values = content.get(field)
        if list(content) != [field] or not isinstance(values, dict) or sorted(values) != sorted(keys):
            return None
        if any(values[key] not in allowed for key in keys):
            return None
        return [f"{key}|{values[key]}" for key in keys]
    if content == {"abstain": True}:
        return ["abstain"]
    listed, written = content.get("names"), content.get("write_ins")
    if set(content) != {"names", "write_ins"} or not isinstance(listed, list) or not isinstance(written, list):
        return None
    if len(set(listed)) < len(listed) or len(set(written)) < len(written) or not set(listed) <= set(keys):
        return None
    if (written and not vote["write_ins_allowed"]) or set(written) & names or not listed + written:
        return None
    if vote["max_choices"] is not None and len(listed) + len(written) > vote["max_choices"]:
        return None
    return [f"{key}|named" for key in listed] + [f"write_in|{name}" for name in written]


def recount(box: Box) -> dict[str, Any]:
    """The result of the box, counted afresh."""
    vote = box.vote
    kind = vote["kind"]
    keys = [key for key, _ in box.options]
    names = {name for _, name in box.options}
    group_names = [name for _, name, _ in box.groups]
    marks: Counter[str] = Counter()
    valid_by_group: Counter[str] = Counter()
    returned = invalid = 0
    for _, group, content in box.ballots:
        returned += 1
        found = _marks(vote, keys, names, content) if group in group_names else None
        if found is None:
            invalid += 1
            continue
        valid_by_group[group] += 1
        marks.update(f"{group}|{mark}" for mark in found)
    for group, collected, bad, counts in box.paper:
        returned += collected
        invalid += bad
        valid_by_group[group] += collected - bad
        if kind == "recommendation":
            for key, count in counts.get("names", {}).items():
                marks[f"{group}|{key}|named"] += count
            for name, count in counts.get("write_ins", {}).items():
                marks[f"{group}|write_in|{name}"] += count
            marks[f"{group}|abstain"] += counts.get("abstain", 0)
        else:
            for key, values in counts.items():
                for value, count in values.items():
                    marks[f"{group}|{key}|{value}"] += count

    present = vote["present_count"]
    expected = vote["expected_count"]
    valid = sum(valid_by_group.values())
    # At least the share: compared as whole numbers (returned / present ≥ n / d ⇔ returned·d ≥ n·present).
    counted, whole = (returned, present) if vote["quorum_base"] == "present" else (present, expected)
    quorum_met = counted * vote["quorum_denominator"] >= vote["quorum_numerator"] * whole
    threshold_base = {"expected": expected, "present": present, "valid": valid}[vote["threshold_base"]]

    def passes(count: int) -> bool:
        return quorum_met and count * vote["threshold_denominator"] > vote["threshold_numerator"] * threshold_base

    def summed(suffix: str) -> int:
        return sum(marks[f"{group}|{suffix}"] for group in group_names)

    result: dict[str, Any] = {
        "kind": kind, "expected": expected, "present": present, "ballots": returned, "valid": valid,
        "invalid": invalid, "quorum_met": quorum_met,
        "groups": [{"name": name, "weight": _share(weight, 1), "ballots": valid_by_group[name]}
                   for _, name, weight in box.groups],
    }
    options = []
    scale = list(vote["rating_scale"] or [])
    weights = {name: weight for _, name, weight in box.groups}
    for key, name in box.options:
        if kind == "decision":
            entry: dict[str, Any] = {"key": key, "name": name}
            entry.update((value, summed(f"{key}|{value}")) for value in DECISIONS)
            entry["passed"] = passes(entry["yes"])
        elif kind == "recommendation":
            votes = summed(f"{key}|named")
            entry = {"key": key, "name": name, "votes": votes, "share": _share(votes, valid), "passed": passes(votes)}
        else:
            by_group = {group: {grade: marks[f"{group}|{key}|{grade}"] for grade in scale} for group in group_names}
            rated = {group: sum(counts.values()) for group, counts in by_group.items()}
            weight_total = sum((weights[group] for group in group_names if rated[group]), Decimal(0))
            shares = {}
            for grade in scale:
                with localcontext() as context:
                    context.prec = 50
                    weighted = sum((weights[group] * Decimal(by_group[group][grade]) / Decimal(rated[group])
                                    for group in group_names if rated[group]), Decimal(0))
                shares[grade] = _share(weighted, weight_total) if weight_total else "0.0000"
            entry = {"key": key, "name": name,
                     "counts": {grade: sum(by_group[group][grade] for group in group_names) for grade in scale},
                     "by_group": by_group, "shares": shares}
        options.append(entry)
    result["options"] = options
    if kind == "recommendation":
        write_ins: Counter[str] = Counter()
        for mark, count in marks.items():
            _, _, rest = mark.partition("|")
            if rest.startswith("write_in|"):
                write_ins[rest.removeprefix("write_in|")] += count
        result["abstain"] = summed("abstain")
        result["write_ins"] = [{"name": name, "count": count}
                               for name, count in sorted(write_ins.items(), key=lambda item: (-item[1], item[0]))
                               if count]
        top = max([entry["votes"] for entry in options] + list(write_ins.values()) + [0])
        below = vote["second_round_below_per_mille"]
        result["second_round_needed"] = below is not None and (valid == 0 or top * 1000 < below * valid)
    return result


def first_difference(published: Any, recounted: Any, path: str = "") -> str | None:
    """Where two results first differ, as a readable path (None when equal)."""
    if isinstance(published, dict) and isinstance(recounted, dict):
        for key in sorted(set(published) | set(recounted), key=str):
            found = first_difference(published.get(key), recounted.get(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
        return None
    if isinstance(published, list) and isinstance(recounted, list):
        if len(published) != len(recounted):
            return f"{path}：公布 {len(published)} 项，重新计票 {len(recounted)} 项"
        for index, (left, right) in enumerate(zip(published, recounted)):
            label = left.get("name", index) if isinstance(left, dict) else index
            found = first_difference(left, right, f"{path}[{label}]")
            if found:
                return found
        return None
    if published != recounted:
        return f"{path}：公布 {published!r}，重新计票 {recounted!r}"
    return None
