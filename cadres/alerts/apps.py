from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "cadres.alerts"
    label = "alerts"
    verbose_name = "预警、交流和回避"

    def ready(self) -> None:
        from cadres.alerts import actions  # noqa: F401
