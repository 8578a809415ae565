"""The voters' address on the slips and the projection: BALLOT_VOTER_URL (the room network's
address) when set, else the address the officer's browser used."""

import io

import pytest
from django.urls import reverse

from cadres.ballots import services
from cadres.ballots.tests.support import sign_in_people

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def frozen_vote():
    vote = services.vote_create(actor=None, kind="decision", title="常委会票决", expected_count=3, options=["甲"])
    services.vote_freeze(actor=None, vote=vote)
    sign_in_people(vote, 3)
    return vote


def test_slips_and_projection_print_the_configured_address(signed_in, settings):
    settings.BALLOT_VOTER_URL = "http://10.8.0.2:8080/"
    vote = frozen_vote()
    slips = signed_in.post(reverse("ballots:codes_issue", args=[vote.pk]), {"count": 3, "group": ""})
    assert slips.status_code == 200
    assert f"http://10.8.0.2:8080/ballots/v/{vote.pk}/" in pdf_text(slips.content).replace("\n", "")
    projection = signed_in.get(reverse("ballots:projection", args=[vote.pk]))
    assert f"http://10.8.0.2:8080/ballots/v/{vote.pk}/" in projection.content.decode()


def test_without_the_setting_the_officers_address_is_used(signed_in, settings):
    settings.BALLOT_VOTER_URL = ""
    vote = frozen_vote()
    projection = signed_in.get(reverse("ballots:projection", args=[vote.pk]))
    assert f"http://testserver/ballots/v/{vote.pk}/" in projection.content.decode()
