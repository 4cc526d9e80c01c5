from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "tanto.purchasing"
    label = "purchasing"
