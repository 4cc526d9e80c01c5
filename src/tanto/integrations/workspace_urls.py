"""URLs inside a workspace: /w/<ws>/integrations/..."""

from django.urls import URLPattern, URLResolver, include, path

from tanto.integrations import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.integrations_tab, name="integrations"),
    path("quickbooks/", include(("tanto.integrations.quickbooks.workspace_urls", "quickbooks"))),
]
