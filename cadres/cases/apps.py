from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cadres.cases"
    label = "cases"
    verbose_name = "选拔任用（全程纪实）"

    def ready(self) -> None:
        # Registers the module's audit action labels and permission codes.
        from cadres.cases import actions  # noqa: F401
