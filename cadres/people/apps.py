from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cadres.people"
    label = "people"
    verbose_name = "干部"
