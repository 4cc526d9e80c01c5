"""URLs inside a workspace: /w/<ws>/integrations/..."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
