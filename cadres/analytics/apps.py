from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "cadres.analytics"
    label = "analytics"
    verbose_name = "分析"
