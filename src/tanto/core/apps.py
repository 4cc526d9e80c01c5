from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tanto.core"
    label = "core"

    def ready(self) -> None:
        from tanto.core import checks  # noqa: F401  (registers the deploy checks)
