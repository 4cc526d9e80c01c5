from django.urls import path

from tanto.settings_ui import views

app_name = "settings"

urlpatterns = [
    path("", views.general, name="general"),
    path("tax-rates/", views.tax_rates, name="tax_rates"),
    path("tax-rates/new/", views.tax_rate_edit, name="tax_rate_new"),
    path("tax-rates/<int:pk>/", views.tax_rate_edit, name="tax_rate_edit"),
    path("tax-rates/<int:pk>/archive/", views.tax_rate_archive, name="tax_rate_archive"),
]
