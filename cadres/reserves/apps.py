from django.apps import AppConfig


class ReservesConfig(AppConfig):
    name = "cadres.reserves"
    label = "reserves"
    verbose_name = "后备干部"

    def ready(self) -> None:
        from cadres.reserves import actions  # noqa: F401
