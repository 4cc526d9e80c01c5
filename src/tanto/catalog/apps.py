from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tanto.catalog"
    label = "catalog"
