import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cadres.audit.models import AuditAction, AuditChainHead, AuditEvent
from cadres.audit.services import record

pytestmark = pytest.mark.django_db


def _five_events():
    return [
        record(actor=None, action=AuditAction.UNIT_CREATED, target_label=f"单位{i}",
               changes={"n": i, "名称": f"单位{i}"})
        for i in range(1, 6)
    ]


def _verify() -> str:
    try:
        call_command("audit", "verify")
    except CommandError as error:
        assert error.returncode == 2
        return str(error)
    raise AssertionError("verify passed on a tampered record")


def test_verify_counts_an_intact_record(capsys):
    # given
    _five_events()
    # when
    call_command("audit", "verify")
    # then
    assert "共 5 条" in capsys.readouterr().out


def test_verify_passes_an_empty_record(capsys):
    # when
    call_command("audit", "verify")
    # then
    assert "共 0 条" in capsys.readouterr().out


def test_verify_names_an_entry_whose_content_changed():
    # given
    events = _five_events()
    AuditEvent.objects.filter(pk=events[2].pk).update(target_label="别的单位")
    # when
    message = _verify()
    # then
    assert f"编号 {events[2].pk}" in message
    assert "被修改" in message


def test_verify_names_an_entry_whose_json_changed_by_raw_sql():
    # given
    events = _five_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET changes = %s WHERE id = %s",
                       ['{"n": 99, "名称": "单位2"}', events[1].pk])
    # when
    message = _verify()
    # then
    assert f"编号 {events[1].pk}" in message


def test_verify_names_an_entry_whose_content_and_hash_were_rewritten():
    # given: the tamperer recomputes the entry's own hash
    from cadres.audit.services import entry_digest, entry_fields

    events = _five_events()
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.target_label = "伪造"
    forged_hash = entry_digest(previous_hash=forged.previous_hash, fields=entry_fields(forged))
    AuditEvent.objects.filter(pk=forged.pk).update(target_label="伪造", entry_hash=forged_hash)
    # when
    message = _verify()
    # then: the next entry no longer links to it
    assert f"编号 {events[2].pk}" in message
    assert "链接不符" in message


def test_verify_names_the_entry_after_a_deleted_one():
    # given
    events = _five_events()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    # when
    message = _verify()
    # then
    assert f"编号 {events[3].pk}" in message
    assert "删除" in message


def test_verify_notices_a_deleted_first_entry():
    # given
    events = _five_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [events[0].pk])
    # when
    message = _verify()
    # then
    assert f"编号 {events[1].pk}" in message


def test_verify_notices_deleted_last_entries():
    # given
    events = _five_events()
    AuditEvent.objects.filter(pk__in=[events[3].pk, events[4].pk]).delete()
    # when
    message = _verify()
    # then
    assert "最后 2 条记录被删除" in message
    assert f"编号 {events[2].pk} 之后" in message


def test_verify_names_the_first_of_two_swapped_entries():
    # given: two entries exchange everything but their ids
    events = _five_events()
    fields = ["occurred_at", "actor_name", "action", "target_type", "target_id", "target_label",
              "changes", "previous_hash", "entry_hash"]
    first = AuditEvent.objects.values(*fields).get(pk=events[1].pk)
    second = AuditEvent.objects.values(*fields).get(pk=events[3].pk)
    AuditEvent.objects.filter(pk=events[1].pk).update(entry_hash="x" * 64)
    AuditEvent.objects.filter(pk=events[3].pk).update(**first)
    AuditEvent.objects.filter(pk=events[1].pk).update(**second)
    # when
    message = _verify()
    # then
    assert f"编号 {events[1].pk}" in message
    assert "调换" in message


def test_verify_notices_a_chain_head_that_does_not_match():
    # given
    _five_events()
    AuditChainHead.objects.update(entry_count=7)
    # when
    message = _verify()
    # then
    assert "链头记载 7 条，实有 5 条" in message
