"""URLs outside any workspace (OAuth callbacks, Intuit's launch / disconnect / reconnect pages)."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("quickbooks/", include("tanto.integrations.quickbooks.urls")),
]
