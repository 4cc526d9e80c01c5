"""/w/<ws>/integrations/quickbooks/... (namespace "quickbooks")."""

from django.urls import path

from tanto.integrations.quickbooks import sync_views, views

urlpatterns = [
    path("connect/", views.connect, name="connect"),
    path("reconnect/", views.reconnect, name="reconnect"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("setup/<slug:step>/", views.setup, name="setup_step"),
    path("imports/<int:run>/", views.import_progress, name="import_progress"),
    path("push/<str:kind>/", sync_views.push_bulk, name="push_bulk"),
    path("push/<str:kind>/<int:pk>/", sync_views.push_one, name="push_one"),
    path("push/<str:kind>/<int:pk>/cell/", sync_views.cell, name="cell"),
    path("push/<str:kind>/<int:pk>/retry/", sync_views.retry, name="retry"),
    path("pushes/<int:pk>/", sync_views.push_progress, name="push_progress"),
    path("sync-log/", sync_views.sync_log, name="sync_log"),
    path("sync-log/<int:pk>/retry/", sync_views.sync_log_retry, name="sync_log_retry"),
]
