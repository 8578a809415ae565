from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cadres.core"
    label = "core"
    verbose_name = "核心"
