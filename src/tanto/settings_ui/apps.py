from django.apps import AppConfig


class SettingsUIConfig(AppConfig):
    name = "tanto.settings_ui"
    label = "settings_ui"
