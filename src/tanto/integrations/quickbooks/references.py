"""The QuickBooks customers, vendors and items a push refers to: linked once, found, or created.

Customers and vendors: the stored link if there is one; else a QuickBooks contact of the same kind with
the same email; else one with the same DisplayName; else a new one with the full contact and address
details. QuickBooks keeps DisplayName unique across customers, vendors and employees (fault 6240), so a
name taken by the other kind gets a predictable suffix. Items: linked by variant, else matched by SKU,
else created (non-inventory for goods, service for services: QuickBooks' own quantity tracking stays off,
it would post cost of goods twice). Everything is resolved for a whole set of documents at once, so a
bulk push costs a few queries and batch creates, not requests per row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction

from tanto.catalog.models import Variant
from tanto.contacts.models import Customer, Supplier
from tanto.integrations.quickbooks.client import QuickBooksClient, qbo_id, quote
from tanto.integrations.quickbooks.errors import PermanentError, parse_faults
from tanto.integrations.quickbooks.models import ContactKind, ContactLink, QuickBooksConnection

logger = logging.getLogger(__name__)

BATCH_LIMIT = 30  # QuickBooks' maximum operations per batch request
PLAIN_LIMIT = 3  # up to this many operations go as plain requests (see batch())
IN_CHUNK = 80  # values per IN (...) clause: keeps each query well under QuickBooks' length limits
NAME_LIMIT = 100
SHIPPING_SKU = "SHIPPING"


class ItemLink(models.Model):
    """A Tanto variant (or the shipping fee) and the QuickBooks item that stands for it."""

    connection = models.ForeignKey(QuickBooksConnection, on_delete=models.CASCADE, related_name="item_links")
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    special = models.CharField(max_length=20, blank=True)  # "shipping" for the shipping-fee item
    qbo_id = models.CharField(max_length=32)

    class Meta:
        app_label = "quickbooks"
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "variant"],
                condition=models.Q(variant__isnull=False),
                name="qbo_item_link_per_variant",
            ),
            models.UniqueConstraint(
                fields=["connection", "special"],
                condition=models.Q(variant__isnull=True),
                name="qbo_item_link_per_special",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id or self.special} = QuickBooks item {self.qbo_id}"


@dataclass(frozen=True)
class Accounts:
    income: str
    expense: str


def batch(
    client: QuickBooksClient, items: Sequence[dict[str, Any]], request_id: str | None = None
) -> list[dict[str, Any]]:
    """Runs operations through the batch endpoint, 30 at a time; answers come back in request order.
    A request id is only meaningful for a single chunk (the caller's retry sends the same chunk).
    A few operations go as plain requests instead: QuickBooks allows far fewer batch requests (40 a
    minute) than requests (500), so a batch is only worth it when it replaces several."""
    if len(items) <= PLAIN_LIMIT and request_id is None:
        return [_plain(client, item) for item in items]
    answers: list[dict[str, Any]] = []
    for start in range(0, len(items), BATCH_LIMIT):
        chunk = [{"bId": str(n), **item} for n, item in enumerate(items[start : start + BATCH_LIMIT])]
        body = client.post("batch", {"BatchItemRequest": chunk}, request_id=request_id)
        by_id = {str(a.get("bId")): a for a in body.get("BatchItemResponse") or [] if isinstance(a, dict)}
        answers.extend(by_id.get(str(n), {}) for n in range(len(chunk)))
    return answers


def _plain(client: QuickBooksClient, item: dict[str, Any]) -> dict[str, Any]:
    """One batch operation as its own request, answered in the batch item's shape."""
    try:
        if "Query" in item:
            return {"QueryResponse": client.query(str(item["Query"]))}
        entity = next(key for key in item if key not in ("operation", "bId"))
        return client.post(entity.lower(), item[entity])
    except PermanentError as exc:
        return {"Fault": {"Error": [{"code": exc.code, "Message": exc.message}], "type": "ValidationFault"}}


def queried(answer: dict[str, Any], entity: str) -> list[dict[str, Any]]:
    """The rows of a query answer that carry a usable Id (anything else is ignored, never linked)."""
    response = answer.get("QueryResponse")
    rows = response.get(entity) if isinstance(response, dict) else None
    if not isinstance(rows, list):
        return []
    return [row for row in rows if isinstance(row, dict) and qbo_id(row.get("Id"))]


def fault_code(answer: dict[str, Any]) -> str:
    _, faults = parse_faults(answer)
    return faults[0].code if faults else ""


def fault_message(answer: dict[str, Any]) -> str:
    _, faults = parse_faults(answer)
    first = faults[0] if faults else None
    return (first.message or first.detail if first else "") or "QuickBooks refused it"


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _in(field: str, values: Sequence[str]) -> str:
    return f"{field} IN ({', '.join(quote(v) for v in values)})"


# -- contacts --


def _address(address: Any) -> dict[str, str]:
    fields = {
        "Line1": address.line1,
        "Line2": address.line2,
        "City": address.city,
        "CountrySubDivisionCode": address.region,
        "PostalCode": address.postal_code,
        "Country": address.country,
    }
    return {key: value for key, value in fields.items() if value}


def contact_payload(contact: Customer | Supplier, name: str, currency: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"DisplayName": name[:NAME_LIMIT]}
    if contact.email:
        body["PrimaryEmailAddr"] = {"Address": contact.email}
    if contact.phone:
        body["PrimaryPhone"] = {"FreeFormNumber": contact.phone[:30]}
    if currency:
        body["CurrencyRef"] = {"value": currency}
    if isinstance(contact, Customer):
        body.update(
            {
                k: v
                for k, v in (
                    ("GivenName", contact.first_name[:100]),
                    ("FamilyName", contact.last_name[:100]),
                    ("CompanyName", contact.company[:100]),
                )
                if v
            }
        )
        if bill := _address(contact.billing_address):
            body["BillAddr"] = bill
        if ship := _address(contact.shipping_address):
            body["ShipAddr"] = ship
    elif addr := _address(contact.address):
        body["BillAddr"] = addr
    return body


def suffixed(name: str, kind: str, attempt: int) -> str:
    """The name a contact gets in QuickBooks when its own is taken by another kind of contact."""
    label = "customer" if kind == ContactKind.CUSTOMER else "supplier"
    suffix = f" ({label})" if attempt == 1 else f" ({label} {attempt})"
    return name[: NAME_LIMIT - len(suffix)] + suffix


class ContactResolver:
    """QuickBooks ids for a set of Tanto customers (or suppliers) of one connection."""

    def __init__(
        self, client: QuickBooksClient, kind: str, currency_for: Callable[[Any], str | None]
    ) -> None:
        self.client = client
        self.connection = client.connection
        self.kind = kind
        self.entity = "Customer" if kind == ContactKind.CUSTOMER else "Vendor"
        self.local_field = "customer_id" if kind == ContactKind.CUSTOMER else "supplier_id"
        self.currency_for = currency_for
        self.renamed: dict[int, str] = {}

    def linked(self, contacts: Iterable[Customer | Supplier]) -> dict[int, str]:
        ids = [c.pk for c in contacts]
        links = ContactLink.objects.filter(
            connection=self.connection, kind=self.kind, **{f"{self.local_field}__in": ids}
        )
        return {getattr(link, self.local_field): link.qbo_id for link in links}

    def forget(self, contact_ids: Iterable[int]) -> None:
        """Drops links QuickBooks no longer honours (the contact was made inactive or deleted there)."""
        ContactLink.objects.filter(
            connection=self.connection, kind=self.kind, **{f"{self.local_field}__in": list(contact_ids)}
        ).delete()

    def resolve(self, contacts: Sequence[Customer | Supplier]) -> dict[int, str]:
        unique = {c.pk: c for c in contacts}
        found = self.linked(unique.values())
        missing = [c for pk, c in unique.items() if pk not in found]
        if missing:
            taken = set(
                ContactLink.objects.filter(connection=self.connection, kind=self.kind).values_list(
                    "qbo_id", flat=True
                )
            )
            matched = self._match(missing, taken)
            created = self._create([c for c in missing if c.pk not in matched])
            self._save_links({**matched, **created})
            found.update(matched)
            found.update(created)
        return found

    def _name(self, contact: Customer | Supplier) -> str:
        return contact.display_name if isinstance(contact, Customer) else contact.name

    def _match(self, contacts: Sequence[Customer | Supplier], taken: set[str]) -> dict[int, str]:
        """By email, then by DisplayName, among active contacts of the same kind not linked already."""
        emails = sorted({c.email.lower() for c in contacts if c.email})
        names = sorted({self._name(c) for c in contacts})
        queries = [
            f"SELECT * FROM {self.entity} WHERE {_in('PrimaryEmailAddr', chunk)}" for chunk in _chunks(emails)
        ]
        queries += [
            f"SELECT * FROM {self.entity} WHERE {_in('DisplayName', chunk)}" for chunk in _chunks(names)
        ]
        by_email: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for answer in batch(self.client, [{"Query": q} for q in queries]):
            for row in queried(answer, self.entity):
                remote = qbo_id(row.get("Id"))
                if remote in taken:
                    continue
                address = row.get("PrimaryEmailAddr")
                email = str(address.get("Address", "")).lower() if isinstance(address, dict) else ""
                if email:
                    by_email.setdefault(email, remote)
                by_name.setdefault(str(row.get("DisplayName", "")).lower(), remote)
        matched: dict[int, str] = {}
        for contact in contacts:
            by_mail = by_email.get(contact.email.lower()) if contact.email else None
            found = by_mail or by_name.get(self._name(contact).lower())
            if found and found not in taken:
                matched[contact.pk] = found
                taken.add(found)
        return matched

    def _create(self, contacts: Sequence[Customer | Supplier]) -> dict[int, str]:
        created: dict[int, str] = {}
        pending = list(contacts)
        for attempt in range(0, 4):
            if not pending:
                break
            names = {
                c.pk: self._name(c) if attempt == 0 else suffixed(self._name(c), self.kind, attempt)
                for c in pending
            }
            answers = batch(
                self.client,
                [
                    {
                        "operation": "create",
                        self.entity: contact_payload(c, names[c.pk], self.currency_for(c)),
                    }
                    for c in pending
                ],
            )
            clashes = []
            for contact, answer in zip(pending, answers, strict=True):
                row = answer.get(self.entity)
                if isinstance(row, dict) and qbo_id(row.get("Id")):
                    created[contact.pk] = qbo_id(row["Id"])
                    if attempt:
                        self.renamed[contact.pk] = names[contact.pk]
                        logger.info("quickbooks.contact.renamed kind=%s contact=%s", self.kind, contact.pk)
                elif fault_code(answer) == "6240":
                    clashes.append(contact)  # the name belongs to another kind of contact, or an inactive one
                else:
                    raise PermanentError(
                        f"QuickBooks refused to create {self._name(contact)}: {fault_message(answer)}"
                    )
            pending = clashes
        if pending:
            raise PermanentError(
                f"QuickBooks refused the name {self._name(pending[0])} and every variant of it."
            )
        return created

    def _save_links(self, found: dict[int, str]) -> None:
        for local_id, remote in found.items():
            try:
                with transaction.atomic():
                    ContactLink.objects.get_or_create(
                        connection=self.connection,
                        kind=self.kind,
                        qbo_id=remote,
                        defaults={self.local_field: local_id},
                    )
            except IntegrityError:
                # A concurrent push linked the same contact a moment ago: its link stands.
                logger.info("quickbooks.contact.link_race kind=%s contact=%s", self.kind, local_id)


# -- items --


def item_name(variant: Variant) -> str:
    name = f"{variant.product.name} {variant.name}".strip()
    return f"{name} ({variant.sku})"[:NAME_LIMIT]


def item_payload(variant: Variant | None, accounts: Accounts) -> dict[str, Any]:
    if variant is None:
        return {
            "Name": "Shipping fee",
            "Sku": SHIPPING_SKU,
            "Type": "Service",
            "IncomeAccountRef": {"value": accounts.income},
        }
    body: dict[str, Any] = {
        "Name": item_name(variant),
        "Sku": variant.sku[:100],
        "Type": "Service" if not variant.tracks_stock else "NonInventory",
        "IncomeAccountRef": {"value": accounts.income},
        "ExpenseAccountRef": {"value": accounts.expense},
        "UnitPrice": float(variant.sales_price),
        "PurchaseCost": float(variant.purchase_price),
    }
    return body


class ItemResolver:
    def __init__(self, client: QuickBooksClient, accounts: Accounts) -> None:
        self.client = client
        self.connection = client.connection
        self.accounts = accounts

    def resolve(self, variants: Sequence[Variant], shipping: bool = False) -> dict[int, str]:
        """{variant id: QuickBooks item id}, with SHIPPING_KEY for the shipping-fee item when asked."""
        from tanto.integrations.quickbooks.mapping import SHIPPING_ITEM

        unique = {v.pk: v for v in variants}
        links = ItemLink.objects.filter(connection=self.connection)
        found: dict[int, str] = {
            (link.variant_id if link.variant_id else SHIPPING_ITEM): link.qbo_id
            for link in links.filter(models.Q(variant_id__in=list(unique)) | models.Q(special="shipping"))
        }
        wanted: dict[str, Variant | None] = {v.sku: v for pk, v in unique.items() if pk not in found}
        if shipping and SHIPPING_ITEM not in found:
            wanted[SHIPPING_SKU] = None
        if not wanted:
            return found
        by_sku: dict[str, str] = {}
        queries = [
            {"Query": f"SELECT * FROM Item WHERE {_in('Sku', chunk)}"} for chunk in _chunks(sorted(wanted))
        ]
        for answer in batch(self.client, queries):
            for row in queried(answer, "Item"):
                by_sku.setdefault(str(row.get("Sku", "")), qbo_id(row.get("Id")))
        to_create = [sku for sku in wanted if sku not in by_sku]
        answers = batch(
            self.client,
            [{"operation": "create", "Item": item_payload(wanted[s], self.accounts)} for s in to_create],
        )
        for sku, answer in zip(to_create, answers, strict=True):
            created = answer.get("Item")
            if isinstance(created, dict) and qbo_id(created.get("Id")):
                by_sku[sku] = qbo_id(created["Id"])
            elif fault_code(answer) == "6240":
                by_sku[sku] = self._by_name(wanted[sku])
            else:
                raise PermanentError(f"QuickBooks refused to create the item {sku}: {fault_message(answer)}")
        for sku, variant in wanted.items():
            key = variant.pk if variant else SHIPPING_ITEM
            found[key] = by_sku[sku]
            self._link(variant, by_sku[sku])
        return found

    def _by_name(self, variant: Variant | None) -> str:
        """An item of our name exists without our SKU (made by hand, or before SKUs): use it."""
        name = item_name(variant) if variant else "Shipping fee"
        rows = queried(
            {"QueryResponse": self.client.query(f"SELECT * FROM Item WHERE Name = {quote(name)}")}, "Item"
        )
        if not rows:
            raise PermanentError(f"QuickBooks says an item named {name} exists but does not show it.")
        return qbo_id(rows[0]["Id"])

    def _link(self, variant: Variant | None, qbo_id: str) -> None:
        try:
            with transaction.atomic():
                if variant is None:
                    ItemLink.objects.get_or_create(
                        connection=self.connection,
                        special="shipping",
                        variant=None,
                        defaults={"qbo_id": qbo_id},
                    )
                else:
                    ItemLink.objects.get_or_create(
                        connection=self.connection, variant=variant, defaults={"qbo_id": qbo_id}
                    )
        except IntegrityError:
            pass  # linked concurrently by another push: that link stands

    def forget(self, variant_ids: Iterable[int]) -> None:
        ItemLink.objects.filter(connection=self.connection, variant_id__in=list(variant_ids)).delete()
