from django.apps import AppConfig


class QuickBooksConfig(AppConfig):
    name = "tanto.integrations.quickbooks"
    label = "quickbooks"
    verbose_name = "QuickBooks Online"

    def ready(self) -> None:
        from tanto.integrations.base import register
        from tanto.integrations.quickbooks import checks  # noqa: F401  (registers the system checks)
        from tanto.integrations.quickbooks.provider import PROVIDER

        register(PROVIDER)
