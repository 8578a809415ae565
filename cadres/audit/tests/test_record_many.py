"""record_many's bulk rows (cadres.audit.bulk_write) against what record() writes."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in, unit_tree, user_with_role
from cadres.audit.context import _request_id
from cadres.audit.models import AuditAction, AuditChainHead, AuditEvent
from cadres.audit.services import entry_digest, entry_fields, record, record_many
from cadres.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db

COMPARED = ("actor_id", "actor_name", "action", "target_type", "target_id", "target_label",
            "subject_type", "subject_id", "subject_label", "request_id", "batch_id", "changes")


def test_bulk_rows_read_back_like_recorded_ones_and_keep_the_chain():
    # given
    units = unit_tree()
    officer = user_with_role("cadre_office", managed=[units["county"]])
    people = [person_in(units["east"], name) for name in ("甲", "乙", "丙")]
    token = _request_id.set("r" * 32)
    try:
        batch = record(actor=officer, action=AuditAction.ROSTER_IMPORTED, target_label="名册.xlsx",
                       changes={"file_name": "名册.xlsx"})
        # when
        written = record_many(actor=officer, action=AuditAction.PERSON_UPDATED, batch=batch, items=[
            (person, {"post_title": ["科员", f"主任{i}"], "note": "“引号”\n与 \\ 反斜杠",
                      "unit_id": [units["east"].pk, None],
                      "post_started_on": [dt.date(2020, 3, 1), None], "rate": 0.1})
            for i, person in enumerate(people)
        ])
        single = record(actor=officer, action=AuditAction.PERSON_UPDATED, target=people[0],
                        batch=batch, changes={"post_title": ["科员", "主任0"], "note":
                                              "“引号”\n与 \\ 反斜杠",
                                              "unit_id": [units["east"].pk, None],
                                              "post_started_on": [dt.date(2020, 3, 1), None],
                                              "rate": 0.1})
    finally:
        _request_id.reset(token)
    record(actor=None, action=AuditAction.UNIT_UPDATED, target=units["west"])
    # then
    assert written == 3
    bulk = list(AuditEvent.objects.filter(batch=batch).exclude(pk=single.pk).order_by("id"))
    stored_single = AuditEvent.objects.get(pk=single.pk)
    assert [event.subject_label for event in bulk] == ["甲", "乙", "丙"]
    assert {name: getattr(bulk[0], name) for name in COMPARED} == {
        name: getattr(stored_single, name) for name in COMPARED}
    for event in bulk:
        assert event.entry_hash == entry_digest(previous_hash=event.previous_hash,
                                                fields=entry_fields(event))
    assert bulk[0].occurred_at == bulk[2].occurred_at
    report = audit_chain_verify()
    assert report.is_intact, report.first_break and report.first_break.describe()
    assert AuditChainHead.objects.get().entry_count == AuditEvent.objects.count()


def test_nothing_to_write_leaves_the_chain_alone():
    # given
    first = record(actor=None, action=AuditAction.UNIT_UPDATED, target_label="单位")
    # when
    written = record_many(actor=None, action=AuditAction.PERSON_UPDATED, items=[])
    # then
    head = AuditChainHead.objects.get()
    assert written == 0
    assert AuditEvent.objects.count() == 1
    assert (head.last_hash, head.entry_count) == (first.entry_hash, 1)


def test_keys_json_cannot_sort_are_written_as_record_writes_them():
    # given
    units = unit_tree()
    person = person_in(units["east"], "甲")
    # when
    record_many(actor=None, action=AuditAction.PERSON_UPDATED, items=[(person, {1: "a", "b": 2})])
    # then
    event = AuditEvent.objects.get(action=AuditAction.PERSON_UPDATED, subject_id=str(person.pk))
    assert event.changes == {"1": "a", "b": 2}
    assert audit_chain_verify().is_intact


def test_each_event_may_name_its_own_target_beside_its_subject():
    # given: rows of two people's files (here units stand in for the rows)
    units = unit_tree()
    people = [person_in(units["east"], name) for name in ("甲", "乙")]

    # when
    record_many(actor=None, action=AuditAction.PERSON_UPDATED,
                items=[(people[0], {"n": 1}), (people[1], {"n": 2})],
                targets=[(units["east"], "东镇的行"), (units["west"], "")])

    # then: the target is the row, the subject the person, and the chain holds
    events = list(AuditEvent.objects.filter(action=AuditAction.PERSON_UPDATED).order_by("id"))
    assert [(e.target_type, e.target_id, e.target_label) for e in events] == [
        ("org.unit", str(units["east"].pk), "东镇的行"), ("org.unit", str(units["west"].pk), str(units["west"]))]
    assert [(e.subject_type, e.subject_id) for e in events] == [
        ("people.person", str(people[0].pk)), ("people.person", str(people[1].pk))]
    assert audit_chain_verify().is_intact
