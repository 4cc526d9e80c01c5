"""URLs outside any workspace (OAuth callbacks, Intuit's launch / disconnect / reconnect pages)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
