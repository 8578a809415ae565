"""Probing and reading leave a trace: a signed-in user's 404 on a record URL, and an opened card,
are audited, rate-limited so that the audit record stays readable. The 404 page is Chinese."""

import datetime as dt

import pytest
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse

from cadres.accounts.services import not_found_record, record_view
from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NOT_FOUND = "access.not_found"
CARD_VIEWED = "person.card_viewed"


@pytest.fixture
def world():
    units = unit_tree()
    return {
        **units,
        "east_person": person_in(units["east"], "东镇甲"),
        "west_person": person_in(units["west"], "西镇乙"),
    }


@pytest.fixture
def clerk_client(client, world):
    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    sign_in(client, clerk)
    client.user = clerk
    return client


def test_an_out_of_scope_id_answers_404_and_leaves_one_trace(clerk_client, world):
    # given
    url = reverse("people:person_detail", args=[world["west_person"].pk])
    # when
    response = clerk_client.get(url)
    # then
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=NOT_FOUND)
    assert event.actor == clerk_client.user
    assert event.target_label == url
    assert event.changes["path"] == url
    assert event.changes["view"] == "people:person_detail"
    assert event.changes["ids"] == {"pk": str(world["west_person"].pk)}


def test_the_same_probe_again_within_ten_minutes_is_not_recorded_again(clerk_client, world):
    # given
    url = reverse("people:person_detail", args=[world["west_person"].pk])
    clerk_client.get(url)
    # when
    clerk_client.get(url)
    clerk_client.get(url)
    # then
    assert AuditEvent.objects.filter(action=NOT_FOUND).count() == 1
    # and after ten minutes it is recorded again
    AuditEvent.objects.filter(action=NOT_FOUND).update(
        occurred_at=AuditEvent.objects.get(action=NOT_FOUND).occurred_at
        - dt.timedelta(minutes=11))
    clerk_client.get(url)
    assert AuditEvent.objects.filter(action=NOT_FOUND).count() == 2


def test_probing_many_ids_stops_being_recorded_at_the_hourly_limit(clerk_client, settings):
    # given
    settings.ACCESS_TRACE_HOURLY_LIMIT = 5
    # when
    for pk in range(900_001, 900_012):
        assert clerk_client.get(reverse("people:person_detail", args=[pk])).status_code == 404
    # then
    events = list(AuditEvent.objects.filter(action=NOT_FOUND).order_by("id"))
    assert len(events) == 5
    assert [event.changes.get("limit_reached", False) for event in events] == [
        False, False, False, False, True]


def test_a_404_without_a_record_id_or_without_a_user_is_not_recorded(client, clerk_client):
    # when
    clerk_client.get("/no-such-page/")
    from django.test import Client

    Client().get(reverse("people:person_detail", args=[900_001]))
    # then
    assert not AuditEvent.objects.filter(action=NOT_FOUND).exists()


def test_not_found_record_is_the_service_the_middleware_calls(world):
    # given
    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    request = RequestFactory().get("/people/5/")
    request.user = clerk
    request.resolver_match = resolve("/people/5/")
    # when
    first = not_found_record(request=request)
    second = not_found_record(request=request)
    # then
    assert (first, second) == (True, False)


def test_record_view_records_a_card_once_per_ten_minutes(world):
    # given
    officer = user_with_role("cadre_office", managed=[world["county"]])
    request = RequestFactory().get(f"/people/{world['east_person'].pk}/")
    request.user = officer
    # when
    first = record_view(request, world["east_person"])
    again = record_view(request, world["east_person"])
    other = record_view(request, world["west_person"])
    # then
    assert (first, again, other) == (True, False, True)
    events = list(AuditEvent.objects.filter(action=CARD_VIEWED).order_by("id"))
    assert [(e.subject_id, e.actor_id) for e in events] == [
        (str(world["east_person"].pk), officer.pk), (str(world["west_person"].pk), officer.pk)]
    assert events[0].action_label == "查阅干部信息卡"


def test_record_view_has_an_hourly_limit_per_user(world, settings):
    # given
    settings.ACCESS_TRACE_HOURLY_LIMIT = 3
    officer = user_with_role("cadre_office", managed=[world["county"]])
    other = user_with_role("cadre_office", managed=[world["county"]])
    people = [person_in(world["east"], f"甲{index}") for index in range(5)]
    request = RequestFactory().get("/people/")
    request.user = officer
    # when
    written = [record_view(request, person) for person in people]
    request.user = other
    someone_else = record_view(request, people[0])
    # then
    assert written == [True, True, True, False, False]
    assert someone_else is True


def test_the_404_page_is_chinese_and_styled_like_the_403(clerk_client, world):
    # when
    with override_settings(DEBUG=False):
        response = clerk_client.get(
            reverse("people:person_detail", args=[world["west_person"].pk]))
    # then
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "不在您的授权范围内" in body
    assert 'class="callout callout-bad"' in body and 'class="topbar"' in body
    assert "Not Found" not in body


def test_the_404_page_for_anonymous_users_is_chinese_too(client):
    # when
    with override_settings(DEBUG=False):
        response = client.get(reverse("accounts:login") + "../no-such-page/")
    # then
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
