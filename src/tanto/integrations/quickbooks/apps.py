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
        self._connect_sync()

    def _connect_sync(self) -> None:
        from tanto.integrations import columns
        from tanto.integrations.quickbooks.push import on_fulfilment
        from tanto.integrations.quickbooks.sync_views import sync_column
        from tanto.sales.signals import fulfilment_recorded

        columns.register(sync_column)
        fulfilment_recorded.connect(on_fulfilment, dispatch_uid="quickbooks-cogs")
