from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "tanto.sales"
    label = "sales"
