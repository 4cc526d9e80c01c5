"""Form pieces shared by the screens: workspace-scoped choices and the order-row formset plumbing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from tanto.accounts.models import Workspace


class FiniteDecimalField(forms.DecimalField):
    """Django's DecimalField lets "NaN" and "sNaN" through to_python and refuses them only in validate();
    a formset compares values before that (has_changed), and comparing a signalling NaN raises."""

    def to_python(self, value: Any) -> Any:
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def finite_decimals(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A ModelForm formfield_callback: decimal columns get FiniteDecimalField."""
    if isinstance(db_field, models.DecimalField):
        kwargs["form_class"] = FiniteDecimalField
    return db_field.formfield(**kwargs)


class WorkspaceFormMixin:
    """Forms that pick related objects only see the current workspace's objects, so a posted id from
    another workspace is simply 'not a valid choice'."""

    workspace: Workspace

    def scope(self, field: str, queryset: models.QuerySet[Any]) -> None:
        self.fields[field].queryset = queryset  # type: ignore[attr-defined]


class AddressForm(forms.Form):
    line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(label="City", max_length=100, required=False)
    region = forms.CharField(label="State/region", max_length=100, required=False)
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    country = forms.CharField(label="Country", max_length=100, required=False)

    @classmethod
    def initial_from(cls, address: Any) -> dict[str, str]:
        if address is None:
            return {}
        return {name: getattr(address, name) for name in cls.base_fields}

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in self.fields)

    def save_to(self, address: Any) -> Any:
        for name in self.fields:
            setattr(address, name, self.cleaned_data.get(name, ""))
        address.save()
        return address


def unique_in_workspace(
    queryset: models.QuerySet[Any], field: str, value: str, instance: models.Model | None, message: str
) -> None:
    clash = queryset.filter(**{field: value})
    if instance is not None and instance.pk:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise forms.ValidationError(message)
