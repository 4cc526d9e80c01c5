from django.urls import path

from tanto.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.item_list, name="items"),
    path("new/", views.product_edit, name="product_new"),
    path("<int:pk>/", views.product_edit, name="product_edit"),
]
