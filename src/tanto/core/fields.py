"""Model fields of the app's own."""

from __future__ import annotations

from typing import Any

from django.db import models

from tanto.core.currencies import currency_choices, validate_currency


class CurrencyField(models.CharField):
    """An ISO 4217 currency code, picked from the list and validated against it.

    The list (160 codes) is the field's, not the schema's: it never changes a column, so it is left out of
    migrations, which would otherwise repeat it for every currency column and change whenever it does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        kwargs["choices"] = currency_choices()
        kwargs["validators"] = [validate_currency]
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for derived in ("choices", "validators", "max_length"):
            kwargs.pop(derived, None)
        return name, path, args, kwargs
