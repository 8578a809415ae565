from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cadres.plans"
    label = "plans"
    verbose_name = "规划与年龄界限"
