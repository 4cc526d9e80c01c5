"""Importing QuickBooks customers and vendors into Tanto, a page at a time.

Each QuickBooks contact is linked (ContactLink) to the Tanto contact it became, by QuickBooks Id, so an
import can run again without creating anything twice. A contact not yet linked is matched to an existing
Tanto contact by email, then by name, before a new one is created. Everything the matching needs is
loaded once per import and each page is written with a few bulk inserts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tanto.contacts.models import Address, Customer, Supplier
from tanto.core.currencies import ISO_4217_CODES
from tanto.integrations.quickbooks.models import ContactKind, ContactLink, QuickBooksConnection

Row = dict[str, Any]


@dataclass
class PageResult:
    created: int = 0
    linked_by_email: int = 0
    linked_by_name: int = 0
    already_imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _nested(row: Row, key: str, inner: str) -> str:
    value = row.get(key)
    return str(value.get(inner) or "").strip() if isinstance(value, dict) else ""


def address_from(qbo: Any) -> Address:
    """A Tanto address from a QuickBooks BillAddr/ShipAddr (Line2–Line5 folded into line 2)."""
    qbo = qbo if isinstance(qbo, dict) else {}
    extra = ", ".join(_text(qbo.get(f"Line{n}"), 200) for n in range(2, 6) if qbo.get(f"Line{n}"))
    return Address(
        line1=_text(qbo.get("Line1"), 200),
        line2=extra[:200],
        city=_text(qbo.get("City"), 100),
        region=_text(qbo.get("CountrySubDivisionCode"), 100),
        postal_code=_text(qbo.get("PostalCode"), 20),
        country=_text(qbo.get("Country"), 100),
    )


def _email(row: Row) -> str:
    return _nested(row, "PrimaryEmailAddr", "Address")[:254]


def _phone(row: Row) -> str:
    return (_nested(row, "PrimaryPhone", "FreeFormNumber") or _nested(row, "Mobile", "FreeFormNumber"))[:40]


def _currency(row: Row, base: str) -> str:
    code = _nested(row, "CurrencyRef", "value").upper()
    return code if code in ISO_4217_CODES and code != base else ""


def display_name(row: Row) -> str:
    parts = [row.get("GivenName"), row.get("FamilyName")]
    return _text(row.get("DisplayName") or row.get("CompanyName") or " ".join(p for p in parts if p), 200)


class ContactImporter:
    """Imports one kind (customers or vendors) for one connection; build it once, feed it pages."""

    def __init__(self, connection: QuickBooksConnection, kind: str) -> None:
        self.connection = connection
        self.kind = kind
        self.workspace = connection.workspace
        self.model: type[Customer] | type[Supplier] = Customer if kind == ContactKind.CUSTOMER else Supplier
        local_field = "customer_id" if kind == ContactKind.CUSTOMER else "supplier_id"
        links = ContactLink.objects.filter(connection=connection, kind=kind).values_list(
            "qbo_id", local_field
        )
        self.linked_remote: set[str] = set()
        self.linked_local: set[int] = set()
        for qbo_id, local_id in links:
            self.linked_remote.add(qbo_id)
            self.linked_local.add(local_id)
        name_field = "display_name" if kind == ContactKind.CUSTOMER else "name"
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for pk, email, name in (
            self.model.objects.filter(workspace=self.workspace)
            .values_list("pk", "email", name_field)
            .order_by("pk")
        ):
            if email:
                self.by_email.setdefault(email.lower(), pk)
            self.by_name.setdefault(name.lower(), pk)

    def import_page(self, rows: list[Row]) -> PageResult:
        result = PageResult()
        links: list[ContactLink] = []
        fresh: list[tuple[str, Row]] = []
        for row in rows:
            qbo_id = str(row.get("Id", ""))
            if not qbo_id or qbo_id in self.linked_remote:
                result.already_imported += 1
                continue
            name = display_name(row)
            if not name:
                result.skipped["no name in QuickBooks"] += 1
                continue
            self.linked_remote.add(qbo_id)
            match, how = self._match(row, name)
            if match is None:
                fresh.append((qbo_id, row))
                continue
            self.linked_local.add(match)
            links.append(self._link(qbo_id, match))
            if how == "email":
                result.linked_by_email += 1
            else:
                result.linked_by_name += 1
        with transaction.atomic():
            for qbo_id, contact in zip(
                (q for q, _ in fresh), self._create([r for _, r in fresh]), strict=True
            ):
                links.append(self._link(qbo_id, contact.pk))
                self.linked_local.add(contact.pk)
            ContactLink.objects.bulk_create(links)
        result.created = len(fresh)
        return result

    def _match(self, row: Row, name: str) -> tuple[int | None, str]:
        email = _email(row).lower()
        found = self.by_email.get(email) if email else None
        if found is not None and found not in self.linked_local:
            return found, "email"
        found = self.by_name.get(name.lower())
        if found is not None and found not in self.linked_local:
            return found, "name"
        return None, ""

    def _link(self, qbo_id: str, local_id: int) -> ContactLink:
        if self.kind == ContactKind.CUSTOMER:
            return ContactLink(
                connection=self.connection, kind=self.kind, qbo_id=qbo_id, customer_id=local_id
            )
        return ContactLink(connection=self.connection, kind=self.kind, qbo_id=qbo_id, supplier_id=local_id)

    def _create(self, rows: list[Row]) -> list[Customer] | list[Supplier]:
        if not rows:
            return []
        base = self.workspace.base_currency
        if self.kind == ContactKind.VENDOR:
            addresses = Address.objects.bulk_create([address_from(r.get("BillAddr")) for r in rows])
            return Supplier.objects.bulk_create(
                [
                    Supplier(
                        workspace=self.workspace,
                        name=display_name(r),
                        email=_email(r),
                        phone=_phone(r),
                        currency=_currency(r, base),
                        address=address,
                    )
                    for r, address in zip(rows, addresses, strict=True)
                ]
            )
        billing = Address.objects.bulk_create([address_from(r.get("BillAddr")) for r in rows])
        shipping = Address.objects.bulk_create(
            [address_from(r.get("ShipAddr") or r.get("BillAddr")) for r in rows]
        )
        return Customer.objects.bulk_create(
            [
                Customer(
                    workspace=self.workspace,
                    display_name=display_name(r),
                    first_name=_text(r.get("GivenName"), 100),
                    last_name=_text(r.get("FamilyName"), 100),
                    company=_text(r.get("CompanyName"), 200),
                    email=_email(r),
                    phone=_phone(r),
                    currency=_currency(r, base),
                    billing_address=bill,
                    shipping_address=ship,
                )
                for r, bill, ship in zip(rows, billing, shipping, strict=True)
            ]
        )
