from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cadres.accounts"
    label = "accounts"
    verbose_name = "账户"
