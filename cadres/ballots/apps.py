import logging

from django.apps import AppConfig

# The voters' pages: no log line of any kind names them (with its time), see VoterPagesLogFilter.
VOTER_PATH_PREFIX = "/ballots/v/"


class VoterPagesLogFilter(logging.Filter):
    """Drops Django's request warnings (a 4xx: a mistyped code, a refused ballot, a CSRF
    failure) about the voters' pages: each would put a time next to a voter's action. Server
    errors (5xx) are kept for the operators; they name the path but never the body."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = str(getattr(request, "path", "") or "")
        if not path and record.args and isinstance(record.args, tuple):
            path = " ".join(str(arg) for arg in record.args)
        if VOTER_PATH_PREFIX not in path and VOTER_PATH_PREFIX not in str(record.msg):
            return True
        return record.levelno >= logging.ERROR


class BallotsConfig(AppConfig):
    name = "cadres.ballots"
    label = "ballots"
    verbose_name = "无记名投票（票决、民主推荐、民主测评）"

    def ready(self) -> None:
        # Registers the module's audit action labels and permission codes.
        from cadres.ballots import actions  # noqa: F401

        for name in ("django.request", "django.security.csrf"):
            logger = logging.getLogger(name)
            if not any(isinstance(item, VoterPagesLogFilter) for item in logger.filters):
                logger.addFilter(VoterPagesLogFilter())
