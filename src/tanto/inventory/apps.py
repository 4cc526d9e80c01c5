from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "tanto.inventory"
    label = "inventory"
