from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cadres.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        # Registers the module's audit action labels and the core permission codes.
        from cadres.accounts import actions, codes  # noqa: F401
