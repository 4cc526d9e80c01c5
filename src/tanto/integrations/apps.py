from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "tanto.integrations"
    label = "integrations"
