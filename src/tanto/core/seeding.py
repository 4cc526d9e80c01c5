"""Builds demo workspaces and bulk orders. Used by `seed_demo` and `seed_orders` (benchmarks)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from tanto.accounts.models import Membership, Role, User, Workspace
from tanto.catalog.models import Product, TaxRate, Variant
from tanto.contacts.models import Address, Customer, Supplier
from tanto.core import demo_data
from tanto.core.money import LineInput, document_totals
from tanto.purchasing.models import PurchaseOrder, PurchaseOrderRow
from tanto.sales.models import SalesOrder, SalesOrderRow

TAX_RATES = {
    "GB": [("Standard VAT", "20"), ("Reduced VAT", "5"), ("Zero-rated", "0")],
    "US": [("State sales tax", "6.25"), ("City sales tax", "8.875"), ("No tax", "0")],
}


def new_address(rng: random.Random, country: str) -> Address:
    a = demo_data.address(rng, country)
    return Address(line1=a.line1, city=a.city, region=a.region, postal_code=a.postal_code, country=a.country)


@transaction.atomic
def create_workspace(
    name: str,
    country: str,
    currency: str,
    admin: User,
    seed: int = 1,
    customers: int = 24,
    suppliers: int = 8,
) -> Workspace:
    rng = random.Random(seed)
    workspace = Workspace.objects.create(name=name, country=country, base_currency=currency)
    Membership.objects.create(user=admin, workspace=workspace, role=Role.ADMIN)
    for index, (rate_name, rate) in enumerate(TAX_RATES[country]):
        TaxRate.objects.create(
            workspace=workspace,
            name=rate_name,
            rate=Decimal(rate),
            is_default_sales=index == 0,
            is_default_purchases=index == 0,
        )
    for position, (pname, ptype, category, variants, sale, cost) in enumerate(demo_data.PRODUCTS):
        product = Product.objects.create(workspace=workspace, name=pname, type=ptype, category=category)
        for vindex, vname in enumerate(variants):
            Variant.objects.create(
                workspace=workspace,
                product=product,
                sku=f"{category[:3].upper()}-{position + 1:02d}{vindex + 1}",
                name=vname,
                sales_price=Decimal(str(sale)) + 10 * vindex,
                purchase_price=Decimal(str(cost)) + 4 * vindex,
            )
    add_contacts(workspace, rng, customers, suppliers)
    return workspace


def add_contacts(workspace: Workspace, rng: random.Random, customers: int, suppliers: int) -> None:
    seen: set[str] = set(Customer.objects.filter(workspace=workspace).values_list("display_name", flat=True))
    rows: list[tuple[Customer, Address]] = []
    while len(rows) < customers:
        first, last = demo_data.person(rng)
        company = demo_data.company_name(rng)
        display = company if company not in seen else f"{company} ({last})"
        if display in seen:
            continue
        seen.add(display)
        billing = new_address(rng, workspace.country)
        rows.append(
            (
                Customer(
                    workspace=workspace,
                    display_name=display,
                    first_name=first,
                    last_name=last,
                    company=company,
                    email=f"{first.lower()}.{last.lower()}@{company.split()[0].lower()}.example",
                    phone=f"+44 20 7946 {rng.randint(1000, 9999)}"
                    if workspace.country == "GB"
                    else f"+1 503 555 {rng.randint(1000, 9999)}",
                ),
                billing,
            )
        )
    Address.objects.bulk_create([billing for _, billing in rows])
    shipping = Address.objects.bulk_create(
        [Address(**{f: getattr(b, f) for f in Address.FIELDS}) for _, b in rows]
    )
    for (customer, billing), ship in zip(rows, shipping, strict=True):
        customer.billing_address, customer.shipping_address = billing, ship
    Customer.objects.bulk_create([customer for customer, _ in rows])
    supplier_rows: list[Supplier] = []
    names = set(Supplier.objects.filter(workspace=workspace).values_list("name", flat=True))
    while len(supplier_rows) < suppliers:
        name = f"{rng.choice(demo_data.COMPANY_WORDS)} {rng.choice(demo_data.SUPPLIER_KINDS)}"
        if name in names:
            continue
        names.add(name)
        supplier_rows.append(
            Supplier(
                workspace=workspace,
                name=name,
                email=f"orders@{name.split()[0].lower()}.example",
                address=new_address(rng, workspace.country),
            )
        )
    Address.objects.bulk_create([s.address for s in supplier_rows])
    Supplier.objects.bulk_create(supplier_rows)


def bulk_orders(workspace: Workspace, orders: int, rows_per_order: int = 3, seed: int = 7) -> tuple[int, int]:
    """Creates `orders` sales orders and half as many purchase orders with bulk inserts."""
    rng = random.Random(seed)
    customers = list(
        Customer.objects.filter(workspace=workspace).select_related("billing_address", "shipping_address")
    )
    suppliers = list(Supplier.objects.filter(workspace=workspace))
    variants = list(Variant.objects.filter(workspace=workspace))
    rates = list(TaxRate.objects.filter(workspace=workspace, archived=False))
    if not (customers and suppliers and variants):
        raise ValueError("the workspace needs customers, suppliers and items first")
    start_so = _next_sequence(SalesOrder, workspace)
    start_po = _next_sequence(PurchaseOrder, workspace)
    today = datetime.date.today()
    with transaction.atomic():
        _bulk_sales(workspace, rng, orders, rows_per_order, start_so, today, customers, variants, rates)
        _bulk_purchases(
            workspace, rng, orders // 2, rows_per_order, start_po, today, suppliers, variants, rates
        )
    return orders, orders // 2


def _next_sequence(model: type[SalesOrder] | type[PurchaseOrder], workspace: Workspace) -> int:
    return int(model.next_number(workspace)[len(model.NUMBER_PREFIX) :])


def _random_rows(
    rng: random.Random, count: int, variants: list[Variant], rates: list[TaxRate], purchase: bool
) -> list[dict]:
    rows = []
    for position in range(count):
        variant = rng.choice(variants)
        price = variant.purchase_price if purchase else (variant.sales_price or variant.purchase_price * 2)
        row = {
            "variant": variant,
            "quantity": Decimal(rng.randint(1, 12)),
            "price": price,
            "position": position,
            "tax_rate": rng.choice(rates) if rates else None,
        }
        if not purchase:
            row["discount_percent"] = Decimal(rng.choice([0, 0, 0, 5, 10]))
        rows.append(row)
    return rows


def _totals(rows: list[dict]) -> tuple[Decimal, Decimal, Decimal]:
    totals = document_totals(
        LineInput(
            r["quantity"],
            r["price"],
            r.get("discount_percent", Decimal(0)),
            r["tax_rate"].rate if r["tax_rate"] else Decimal(0),
        )
        for r in rows
    )
    return totals.subtotal, totals.tax, totals.total


def _bulk_sales(
    workspace: Workspace,
    rng: random.Random,
    count: int,
    per_order: int,
    start: int,
    today: datetime.date,
    customers: list[Customer],
    variants: list[Variant],
    rates: list[TaxRate],
) -> None:
    batch = 2000
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        picked = [rng.choice(customers) for _ in range(size)]
        billing = Address.objects.bulk_create(
            [Address(**{f: getattr(c.billing_address, f) for f in Address.FIELDS}) for c in picked]
        )
        shipping = Address.objects.bulk_create(
            [Address(**{f: getattr(c.shipping_address, f) for f in Address.FIELDS}) for c in picked]
        )
        orders, all_rows = [], []
        for i in range(size):
            rows = _random_rows(rng, per_order, variants, rates, purchase=False)
            subtotal, tax, total = _totals(rows)
            created = today - datetime.timedelta(days=rng.randint(0, 365))
            orders.append(
                SalesOrder(
                    workspace=workspace,
                    number=f"SO-{start + offset + i:04d}",
                    customer=picked[i],
                    created_date=created,
                    delivery_deadline=created + datetime.timedelta(days=rng.randint(7, 30)),
                    currency=workspace.base_currency,
                    billing_address=billing[i],
                    shipping_address=shipping[i],
                    subtotal=subtotal,
                    tax_total=tax,
                    total=total,
                )
            )
            all_rows.append(rows)
        SalesOrder.objects.bulk_create(orders)
        SalesOrderRow.objects.bulk_create(
            [
                SalesOrderRow(order=order, **row)
                for order, rows in zip(orders, all_rows, strict=True)
                for row in rows
            ]
        )


def _bulk_purchases(
    workspace: Workspace,
    rng: random.Random,
    count: int,
    per_order: int,
    start: int,
    today: datetime.date,
    suppliers: list[Supplier],
    variants: list[Variant],
    rates: list[TaxRate],
) -> None:
    orders, all_rows = [], []
    for i in range(count):
        rows = _random_rows(rng, per_order, variants, rates, purchase=True)
        subtotal, tax, total = _totals(rows)
        created = today - datetime.timedelta(days=rng.randint(0, 365))
        orders.append(
            PurchaseOrder(
                workspace=workspace,
                number=f"PO-{start + i:04d}",
                supplier=rng.choice(suppliers),
                created_date=created,
                expected_arrival=created + datetime.timedelta(days=rng.randint(5, 21)),
                currency=workspace.base_currency,
                subtotal=subtotal,
                tax_total=tax,
                total=total,
            )
        )
        all_rows.append(rows)
    PurchaseOrder.objects.bulk_create(orders, batch_size=2000)
    PurchaseOrderRow.objects.bulk_create(
        [
            PurchaseOrderRow(order=order, **row)
            for order, rows in zip(orders, all_rows, strict=True)
            for row in rows
        ],
        batch_size=2000,
    )
