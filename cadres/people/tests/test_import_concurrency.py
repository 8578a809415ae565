"""Imports running at the same time on PostgreSQL: no lost update, no deadlock, no unique
error on a unit both create, and the audit record agrees with the data person by person.

Each import runs on a thread of its own with its own database connection, so these tests use
real transactions (transaction=True) and run on PostgreSQL only (SQLite has one writer).
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from cadres.audit.models import AuditEvent
from cadres.people import bulk_load, services
from cadres.people.models import Person
from cadres.people.services import RosterRejected, roster_import
from cadres.people.tests.factories import id_number, roster_row, roster_xlsx

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

BASE_UNIT = "平阳县/县卫生局"


def cadre(number: int, **overrides: Any) -> dict[str, Any]:
    """Row `number` of a roster of distinct cadres (each with a 身份证号 of its own)."""
    return roster_row(
        姓名=f"干部{number}",
        身份证号=id_number("1975.03", "男", serial=number % 100, area=f"33{(number // 100) % 10000:04d}"),
        **overrides,
    )


def in_thread(work: Callable[[], Any], results: dict[str, Any], key: str) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = work()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[key] = error
        finally:
            connection.close()

    return threading.Thread(target=run, name=key)


def audited_values(person: Person) -> dict[str, Any]:
    """Each field's value as the person's audit trail leaves it (its last old → new)."""
    values: dict[str, Any] = {}
    events = AuditEvent.objects.filter(subject_type="people.person", subject_id=str(person.pk)).order_by("id")
    for event in events:
        for name, change in event.changes.items():
            if isinstance(change, list) and len(change) == 2:
                values[name] = change[1]
    return values


def assert_audit_agrees_with_data(people: list[Person]) -> None:
    for person in people:
        person.refresh_from_db()
        trail = audited_values(person)
        stored = {
            "name": person.name, "native_place": person.native_place, "remarks": person.remarks,
            "post_title": person.post_title, "unit": person.unit.path,
        }
        for name, value in stored.items():
            if name in trail:
                assert trail[name] == value, (person.name, name, trail[name], value)


def test_a_small_import_during_a_large_ones_write_is_not_lost(monkeypatch):
    # given: 300 cadres on record; a large import that changes everyone's 籍贯 (and one 备注)
    # from a file made before a small import changes 干部7's 备注
    rows = [cadre(number) for number in range(300)]
    roster_import(actor=None, content=roster_xlsx(rows), file_name="v1.xlsx")
    large = roster_xlsx([
        {**row, "籍贯": "浙江苍南", "备注": "调入" if number == 1 else ""} for number, row in enumerate(rows)
    ])
    small = roster_xlsx([{**rows[7], "备注": "借调"}])
    large_writing, small_done = threading.Event(), threading.Event()
    original_write = services._write

    def write_after_the_small_import(*args: Any, **kwargs: Any) -> Any:
        # The large import has matched its rows; let the small one run now if it can.
        large_writing.set()
        small_done.wait(timeout=3)
        return original_write(*args, **kwargs)

    monkeypatch.setattr(services, "_write", write_after_the_small_import)
    results: dict[str, Any] = {}
    large_thread = in_thread(lambda: roster_import(actor=None, content=large, file_name="large.xlsx"), results, "large")

    # when
    large_thread.start()
    assert large_writing.wait(timeout=60)

    def small_import() -> Any:
        try:
            return roster_import(actor=None, content=small, file_name="small.xlsx")
        finally:
            small_done.set()

    small_thread = in_thread(small_import, results, "small")
    small_thread.start()
    large_thread.join(timeout=120)
    small_thread.join(timeout=120)

    # then: both imports went through; the small one's 备注 stands, and the trail says so
    assert not isinstance(results["large"], Exception), results["large"]
    assert not isinstance(results["small"], Exception), results["small"]
    seventh = Person.objects.get(name="干部7")
    assert seventh.remarks == "借调"
    assert audited_values(seventh)["remarks"] == "借调"
    assert_audit_agrees_with_data(list(Person.objects.filter(name__in=["干部1", "干部7", "干部8"])))


def test_two_large_and_twenty_small_imports_at_once_all_land_and_agree_with_the_audit(monkeypatch):
    # given: 20 cadres on record; two large imports of new cadres (each with the index rebuild
    # of a large load, and a new unit both create) and twenty small ones that change one cadre each
    monkeypatch.setattr(bulk_load, "REBUILD_INDEXES_FROM_ROWS", 1000)
    roster_import(actor=None, content=roster_xlsx([cadre(number) for number in range(20)]), file_name="base.xlsx")
    shared_unit = "平阳县/新设局"
    large_files = [
        roster_xlsx([
            cadre(number, 单位=shared_unit if number % 2 else f"平阳县/第{batch}批新单位")
            for number in range(1000 + batch * 2500, 1000 + (batch + 1) * 2500)
        ])
        for batch in range(2)
    ]
    small_files = [roster_xlsx([cadre(number, 备注=f"第{number}次修改")]) for number in range(20)]
    jobs: dict[str, Callable[[], Any]] = {}
    for index, content in enumerate(large_files):
        jobs[f"large{index}"] = lambda content=content: roster_import(actor=None, content=content, file_name="大.xlsx")
    for index, content in enumerate(small_files):
        jobs[f"small{index}"] = lambda content=content: roster_import(actor=None, content=content, file_name="小.xlsx")
    start = threading.Barrier(len(jobs))
    results: dict[str, Any] = {}
    threads = [in_thread(lambda job=job: (start.wait(), job())[1], results, key) for key, job in jobs.items()]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    # then: every import succeeded (or was refused as busy, in Chinese), nothing deadlocked
    assert not any(thread.is_alive() for thread in threads)
    failures = {key: result for key, result in results.items() if isinstance(result, Exception)}
    assert all(
        isinstance(error, RosterRejected) and "请稍后重试" in str(error.errors) for error in failures.values()
    ), failures
    landed = {key for key in jobs if key not in failures}
    assert {"large0", "large1"} <= landed
    assert Person.objects.count() == 20 + 5000
    assert Person.objects.filter(unit__path=shared_unit).count() == 2500
    for number in range(20):
        person = Person.objects.get(name=f"干部{number}")
        expected = f"第{number}次修改" if f"small{number}" in landed else ""
        assert person.remarks == expected
    # every person's trail ends at the stored values, every change is one event of its own, and
    # every new person is counted by the event of the import that created him
    assert_audit_agrees_with_data(list(Person.objects.filter(name__in=[f"干部{n}" for n in range(20)])))
    assert_audit_agrees_with_data(list(Person.objects.order_by("?")[:200]))
    changed = AuditEvent.objects.filter(action="person.updated", subject_type="people.person")
    assert changed.count() == len({key for key in landed if key.startswith("small")})
    imports = AuditEvent.objects.filter(action="roster.imported")
    assert sum(event.changes["created"] for event in imports) == Person.objects.count()
    assert (
        Person.objects.filter(assignments__ended_on__isnull=True, assignments__is_main=True).distinct().count()
        == Person.objects.count()
    )


def test_an_import_that_waits_too_long_is_refused_in_chinese(monkeypatch, settings):
    # given: another import holds the import lock
    settings.ROSTER_IMPORT_WAIT_SECONDS = 1
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        from django.db import transaction

        with transaction.atomic():
            services._take_turn()
            holding.set()
            release.wait(timeout=30)

    results: dict[str, Any] = {}
    holder = in_thread(hold_the_lock, results, "holder")
    holder.start()
    assert holding.wait(timeout=30)

    # when
    try:
        with pytest.raises(RosterRejected) as refused:
            roster_import(actor=None, content=roster_xlsx([cadre(1)]), file_name="名册.xlsx")
    finally:
        release.set()
        holder.join(timeout=30)

    # then
    assert [str(error) for error in refused.value.errors] == [services.BUSY]
    assert Person.objects.count() == 0
    # the lock was released: a later import goes through
    assert roster_import(actor=None, content=roster_xlsx([cadre(1)]), file_name="名册.xlsx").created == 1
