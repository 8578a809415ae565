from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "cadres.records"
    label = "records"
    verbose_name = "干部档案（简历、奖惩、年度考核、家庭成员）"

    def ready(self) -> None:
        # Registers the module's audit action labels.
        from cadres.records import actions  # noqa: F401
