from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "tanto.contacts"
    label = "contacts"
