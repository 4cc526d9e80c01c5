from __future__ import annotations

from typing import Any

from django import forms

from tanto.accounts.models import Workspace
from tanto.contacts.models import Customer, Supplier
from tanto.core.forms import unique_in_workspace


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["display_name", "first_name", "last_name", "company", "email", "phone", "currency"]
        labels = {"display_name": "Display name", "first_name": "First name", "last_name": "Last name"}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["currency"].required = False

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        unique_in_workspace(
            Customer.objects.filter(workspace=self.workspace),
            "display_name__iexact",
            name,
            self.instance,
            "Another customer already has this display name.",
        )
        return name


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "email", "phone", "currency"]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["currency"].required = False

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        unique_in_workspace(
            Supplier.objects.filter(workspace=self.workspace),
            "name__iexact",
            name,
            self.instance,
            "Another supplier already has this name.",
        )
        return name
