from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cadres.audit"
    label = "audit"
    verbose_name = "审计"
