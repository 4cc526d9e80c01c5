from __future__ import annotations

from django.db import models

from tanto.accounts.models import Workspace
from tanto.core.fields import CurrencyField


class Address(models.Model):
    """A postal address. Orders keep their own copies, so editing a customer never rewrites history."""

    line1 = models.CharField("Address line 1", max_length=200, blank=True)
    line2 = models.CharField("Address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("State/region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)

    FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")

    def __str__(self) -> str:
        return ", ".join(part for part in self.parts() if part)

    def parts(self) -> list[str]:
        return [getattr(self, name) for name in self.FIELDS]

    def is_empty(self) -> bool:
        return not any(self.parts())

    def copy(self) -> Address:
        return Address.objects.create(**{name: getattr(self, name) for name in self.FIELDS})


class Contact(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    currency = CurrencyField(blank=True, help_text="Leave empty to use the workspace's base currency.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Customer(Contact):
    display_name = models.CharField(max_length=200)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=200, blank=True)
    billing_address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="+")
    shipping_address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [models.Index(fields=["workspace", "display_name"])]

    def __str__(self) -> str:
        return self.display_name


class Supplier(Contact):
    name = models.CharField(max_length=200)
    address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["workspace", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name
