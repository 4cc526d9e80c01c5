"""/integrations/quickbooks/...: the OAuth callback (QBO_REDIRECT_URI) and the pages Intuit's app settings
point at: Launch URL, Disconnect URL, Reconnect URL."""

from django.urls import path

from tanto.integrations.quickbooks import views

urlpatterns = [
    path("callback", views.callback, name="quickbooks_callback"),
    path("launch", views.launch, name="quickbooks_launch"),
    path("disconnected", views.disconnected, name="quickbooks_disconnected"),
    path("reconnect", views.intuit_reconnect, name="quickbooks_reconnect"),
]
