from django.urls import include, path

from tanto.accounts import views as account_views
from tanto.core import support

workspace_patterns = [
    path("sell/", include("tanto.sales.urls")),
    path("buy/", include("tanto.purchasing.urls")),
    path("items/", include("tanto.catalog.urls")),
    path("contacts/", include("tanto.contacts.urls")),
    path("settings/", include("tanto.settings_ui.urls")),
    path("integrations/", include("tanto.integrations.workspace_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("tanto.accounts.urls")),
    path("support/", support.support, name="support"),
    path("integrations/", include("tanto.integrations.urls")),
    path("w/<int:ws>/", include(workspace_patterns)),
]
