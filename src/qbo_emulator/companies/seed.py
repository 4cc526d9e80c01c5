"""Initial state (users, the three sandbox companies) and fast bulk generation of contacts."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..store import Realm, Store, User
from . import ca, common, gb, us

REALM_BASE = 9341452000000000
SEED_PASSWORD = "sandbox"

COUNTRY_BUILDERS: dict[str, tuple[Callable[[Realm], None], str, str]] = {
    "US": (us.build, "America/Los_Angeles", "USD"),
    "GB": (gb.build, "Europe/London", "GBP"),
    "CA": (ca.build, "America/Toronto", "CAD"),
}

SEED_COMPANIES = [
    ("9341452000000001", "Sandbox Company US", "US", "owner@example.com"),
    ("9341452000000002", "Sandbox Company UK", "GB", "owner@example.com"),
    ("9341452000000003", "Solo Sandbox US", "US", "solo@example.com"),
]

SEED_USERS = [
    User("owner@example.com", SEED_PASSWORD, "Olive", "Owner", "a1b2c3d4-0000-4000-8000-000000000001"),
    User("solo@example.com", SEED_PASSWORD, "Sol", "Solo", "a1b2c3d4-0000-4000-8000-000000000002"),
]


def new_realm(realm_id: str, name: str, country: str, owner_email: str) -> Realm:
    country = country.upper()
    if country == "UK":
        country = "GB"
    if country not in COUNTRY_BUILDERS:
        raise ValueError(f"unsupported country {country!r}; use one of {', '.join(COUNTRY_BUILDERS)}")
    builder, tz_name, _currency = COUNTRY_BUILDERS[country]
    realm = Realm(realm_id=realm_id, name=name, country=country, owner_email=owner_email, tz_name=tz_name)
    builder(realm)
    return realm


def seed_store(store: Store) -> None:
    """Reset `store` to the documented seed: same users, companies and realm ids every time."""
    with store.lock:
        store.realms.clear()
        for user in SEED_USERS:
            store.auth.users[user.email] = User(**user.__dict__)
        for realm_id, name, country, owner in SEED_COMPANIES:
            store.realms[realm_id] = new_realm(realm_id, name, country, owner)
        store.mark_dirty()


def next_realm_id(store: Store) -> str:
    highest = max((int(r) for r in store.realms if r.isdigit()), default=REALM_BASE)
    return str(max(highest, REALM_BASE) + 1)


GIVEN = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Aisha",
    "Wei",
    "Priya",
    "Mateo",
    "Yuki",
    "Fatima",
    "Liam",
    "Noor",
    "Hannah",
    "Omar",
]
FAMILY = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Chen",
    "Khan",
    "Patel",
    "Nguyen",
    "Kim",
    "Okafor",
    "Novak",
    "Rossi",
    "Schmidt",
]
TRADES = [
    "Hardware",
    "Supply",
    "Fabrication",
    "Outfitters",
    "Woodworks",
    "Metals",
    "Trading",
    "Provisions",
    "Components",
    "Workshop",
    "Industries",
    "Goods",
    "Packaging",
    "Logistics",
    "Design",
]
SUFFIX = {
    "US": ["LLC", "Inc.", "Co.", "Corp."],
    "GB": ["Ltd", "& Co", "plc", "Ltd"],
    "CA": ["Inc.", "Ltd.", "Corp."],
}
CITIES = {
    "US": [
        ("Oakland", "CA", "946"),
        ("Portland", "OR", "972"),
        ("Austin", "TX", "787"),
        ("Denver", "CO", "802"),
        ("Tucson", "AZ", "857"),
        ("Madison", "WI", "537"),
    ],
    "CA": [
        ("Toronto", "ON", "M5V"),
        ("Ottawa", "ON", "K1P"),
        ("Vancouver", "BC", "V6B"),
        ("Calgary", "AB", "T2P"),
    ],
    "GB": [
        ("Leeds", "West Yorkshire", "LS"),
        ("Bristol", "Bristol", "BS"),
        ("Manchester", "Greater Manchester", "M"),
        ("Glasgow", "Glasgow City", "G"),
        ("Norwich", "Norfolk", "NR"),
        ("Cardiff", "Cardiff", "CF"),
    ],
}
STREETS = ["Main St.", "Oak Ave.", "Mill Lane", "Station Road", "Harbor Way", "Elm St.", "Market Street"]


def _postal_tail(rng: random.Random, country: str) -> str:
    if country == "US":
        return f"{rng.randint(10, 99)}"
    if country == "CA":
        return f" {rng.randint(1, 9)}A{rng.randint(1, 9)}"
    return f"{rng.randint(1, 20)} {rng.randint(1, 9)}AB"


def _existing_names(realm: Realm) -> set[str]:
    names: set[str] = set()
    for entity in ("Customer", "Vendor", "Employee"):
        names.update(row["DisplayName"].casefold() for row in realm.table(entity).values())
    return names


def bulk_contacts(realm: Realm, entity: str, count: int, seed: int = 7) -> list[str]:
    """Create `count` realistic customers or vendors directly in the table (no per-row request overhead)."""
    rng = random.Random(f"{realm.realm_id}:{entity}:{seed}:{len(realm.table(entity))}")
    country = realm.country if realm.country in CITIES else "US"
    currency = COUNTRY_BUILDERS.get(country, COUNTRY_BUILDERS["US"])[2]
    taken = _existing_names(realm)
    ids: list[str] = []
    stamp = common.meta(realm)
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        company = f"{family} {rng.choice(TRADES)} {rng.choice(SUFFIX[country])}"
        display = company
        serial = 2
        while display.casefold() in taken:
            display = f"{company} #{serial}"
            serial += 1
        taken.add(display.casefold())
        city, region, postal = rng.choice(CITIES[country])
        addr = common.address(
            str(realm.bump_counter("addr", 1)),
            f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
            city,
            region,
            postal + _postal_tail(rng, country),
        )
        oid = realm.next_id(entity)
        domain = f"{family.lower()}{n}"
        row: dict[str, Any] = {
            "domain": "QBO",
            "sparse": False,
            "Id": oid,
            "SyncToken": "0",
            "MetaData": dict(stamp),
        }
        if entity == "Customer":
            row.update(
                {
                    "Taxable": True,
                    "BillAddr": addr,
                    "ShipAddr": dict(addr),
                    "Job": False,
                    "BillWithParent": False,
                    "Balance": Decimal("0.00"),
                    "BalanceWithJobs": Decimal("0.00"),
                    "CurrencyRef": common.currency_ref(currency),
                    "PreferredDeliveryMethod": "Print",
                }
            )
        else:
            row.update(
                {
                    "BillAddr": addr,
                    "Balance": Decimal("0.00"),
                    "Vendor1099": False,
                    "CurrencyRef": common.currency_ref(currency),
                }
            )
        row.update(common.person_fields("", given, family, company, display))
        if entity == "Customer":
            row["FullyQualifiedName"] = display
        row["Active"] = True
        row.update(
            common.contact_fields(
                f"(555) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
                None,
                f"{given.lower()}@{domain}.example",
                None,
            )
        )
        realm.table(entity)[oid] = row
        realm.row_bytes(row)  # render once now: bulk rows are what big paging tests read back
        ids.append(oid)
    realm.version += 1
    return ids
