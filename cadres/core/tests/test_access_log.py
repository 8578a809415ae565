"""The production server writes no access-log line for the voters' pages of a secret ballot
(a time and an address per cast could help link a voter to a ballot), and logs the rest."""

from gunicorn.config import Config
from gunicorn.glogging import Logger

from cadres.core.production import BallotSilentLogger


def test_the_voters_pages_are_not_logged_and_the_others_are(monkeypatch):
    # given
    logged = []
    monkeypatch.setattr(Logger, "access", lambda self, resp, req, environ, request_time: logged.append(
        environ["PATH_INFO"]))
    logger = BallotSilentLogger(Config())

    # when
    for path in ("/ballots/v/12/", "/ballots/v/12/ballot/", "/ballots/12/", "/people/"):
        logger.access(None, None, {"PATH_INFO": path}, None)

    # then
    assert logged == ["/ballots/12/", "/people/"]


def test_the_production_server_uses_it():
    from cadres.core.management.commands import serve

    source = open(serve.__file__, encoding="utf-8").read()
    assert '"logger_class": "cadres.core.production.BallotSilentLogger"' in source
