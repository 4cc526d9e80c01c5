from django.apps import AppConfig


class QuickBooksConfig(AppConfig):
    name = "tanto.integrations.quickbooks"
    label = "quickbooks"
