"""/w/<ws>/integrations/quickbooks/... (namespace "quickbooks")."""

from django.urls import path

from tanto.integrations.quickbooks import views

urlpatterns = [
    path("connect/", views.connect, name="connect"),
    path("reconnect/", views.reconnect, name="reconnect"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("setup/<slug:step>/", views.setup, name="setup_step"),
    path("imports/<int:run>/", views.import_progress, name="import_progress"),
]
