from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "cadres.assessments"
    label = "assessments"
    verbose_name = "考核（年度考核、目标绩效、综合考核评价）"

    def ready(self) -> None:
        from cadres.assessments import actions  # noqa: F401
