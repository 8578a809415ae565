from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "cadres.org"
    label = "org"
    verbose_name = "单位"
