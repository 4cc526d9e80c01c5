from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tanto.accounts"
    label = "accounts"
