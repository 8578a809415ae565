from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "cadres.ballots"
    label = "ballots"
    verbose_name = "无记名投票（票决、民主推荐、民主测评）"

    def ready(self) -> None:
        # Registers the module's audit action labels and permission codes.
        from cadres.ballots import actions  # noqa: F401
