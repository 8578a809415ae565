"""A roster import must not lock other users out (issue 9, finding 4): a preview (dry run)
takes no write lock at all, and a sign-in during an import's write waits for it and succeeds
instead of failing with "database is locked". On SQLite and PostgreSQL alike."""

import threading
import time
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse

from cadres.accounts.models import LoginAttempt
from cadres.people import services
from cadres.people.models import Person
from cadres.people.services import roster_apply, roster_check
from cadres.people.tests.factories import roster_row, roster_xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_thread(work: Any, results: dict[str, Any]) -> threading.Thread:
    def target() -> None:
        try:
            results["value"] = work()
        except Exception as error:  # the test reads it
            results["value"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_a_sign_in_during_an_import_preview_does_not_wait(client, django_user_model, monkeypatch):
    # given: a preview stopped in the middle of matching
    django_user_model.objects.create_user(username="clerk", password="clerk-pass-123")
    checked = roster_check(actor=None, content=roster_xlsx([roster_row()]), file_name="名册.xlsx")
    matching, release = threading.Event(), threading.Event()
    original_match = services._match

    def match_slowly(*args: Any, **kwargs: Any) -> Any:
        matching.set()
        release.wait(timeout=30)
        return original_match(*args, **kwargs)

    monkeypatch.setattr(services, "_match", match_slowly)
    results: dict[str, Any] = {}
    preview = run_in_thread(lambda: roster_apply(actor=None, checked=checked, dry_run=True), results)
    assert matching.wait(timeout=30)

    # when: someone signs in meanwhile
    started = time.monotonic()
    try:
        response = client.post(reverse("accounts:login"),
                               {"username": "clerk", "password": "clerk-pass-123"})
        waited = time.monotonic() - started
    finally:
        release.set()
        preview.join(timeout=30)

    # then: signed in at once, and the preview still counts the row
    assert response.status_code == 302
    assert LoginAttempt.objects.filter(username="clerk", succeeded=True).count() == 1
    assert waited < 2
    assert results["value"].created == 1
    assert Person.objects.count() == 0


def test_a_sign_in_during_an_import_write_waits_and_succeeds(client, django_user_model, monkeypatch):
    # given: an import that holds its transaction open for a second while it writes
    django_user_model.objects.create_user(username="clerk", password="clerk-pass-123")
    checked = roster_check(actor=None, content=roster_xlsx([roster_row()]), file_name="名册.xlsx")
    writing = threading.Event()
    original_write = services._write

    def write_slowly(*args: Any, **kwargs: Any) -> Any:
        result = original_write(*args, **kwargs)
        writing.set()
        time.sleep(1)
        return result

    monkeypatch.setattr(services, "_write", write_slowly)
    results: dict[str, Any] = {}
    importing = run_in_thread(lambda: roster_apply(actor=None, checked=checked), results)
    assert writing.wait(timeout=30)

    # when
    try:
        response = client.post(reverse("accounts:login"),
                               {"username": "clerk", "password": "clerk-pass-123"})
    finally:
        importing.join(timeout=30)

    # then: both went through
    assert response.status_code == 302
    assert LoginAttempt.objects.filter(username="clerk", succeeded=True).count() == 1
    assert results["value"].created == 1
    assert Person.objects.count() == 1
