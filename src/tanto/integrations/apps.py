from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "tanto.integrations"
    label = "integrations"

    def ready(self) -> None:
        from tanto.settings_ui.tabs import SettingsTab, register_tab

        register_tab(SettingsTab("integrations", "Integrations", "integrations"))
