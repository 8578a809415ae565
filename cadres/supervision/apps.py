from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "cadres.supervision"
    label = "supervision"
    verbose_name = "干部监督（领导干部报告个人有关事项）"

    def ready(self) -> None:
        from cadres.supervision import actions  # noqa: F401
