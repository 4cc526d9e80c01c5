"""Realistic-looking data for the demo and for benchmarks: deterministic for a given seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Leo",
    "Grace",
    "Arthur",
    "Freya",
    "Oscar",
    "Lily",
    "Henry",
    "Ella",
    "Jack",
    "Sophie",
    "Harry",
    "Chloe",
    "Theo",
    "Ruby",
    "Alfie",
]
LAST_NAMES = [
    "Thompson",
    "Patel",
    "Okafor",
    "Nguyen",
    "Fischer",
    "Moreau",
    "Kowalski",
    "Hughes",
    "Rossi",
    "Andersen",
    "Murphy",
    "Silva",
    "Bennett",
    "Clarke",
    "Haddad",
    "Ito",
    "Larsen",
    "Walsh",
    "Kaur",
]
COMPANY_WORDS = [
    "Harbour",
    "Maple",
    "Northgate",
    "Riverside",
    "Summit",
    "Copper",
    "Willow",
    "Granite",
    "Lantern",
    "Meadow",
    "Ironbridge",
    "Bluebell",
    "Foxglove",
    "Redwood",
    "Highland",
    "Orchard",
]
COMPANY_KINDS = [
    "Interiors",
    "Home Store",
    "Design Studio",
    "Hotels",
    "Office Supply",
    "Retail",
    "Builders",
    "Cafés",
    "Living",
    "Trading Co.",
]
SUPPLIER_KINDS = ["Timber", "Hardware", "Finishes", "Supplies"]
STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Queen Street",
    "Victoria Road",
    "Kings Way",
    "Market Place",
    "Elm Grove",
]
UK_CITIES = [
    ("Leeds", "West Yorkshire", "LS1 4AP"),
    ("Bristol", "Bristol", "BS1 5TR"),
    ("Manchester", "Greater Manchester", "M1 2WD"),
    ("Glasgow", "Glasgow City", "G2 1DU"),
    ("Cardiff", "Cardiff", "CF10 1EP"),
    ("Norwich", "Norfolk", "NR2 1NH"),
]
US_CITIES = [
    ("Portland", "OR", "97205"),
    ("Austin", "TX", "78701"),
    ("Denver", "CO", "80202"),
    ("Madison", "WI", "53703"),
    ("Raleigh", "NC", "27601"),
    ("Boise", "ID", "83702"),
]

PRODUCTS = [
    ("Oak dining table", "product", "Tables", ["Small", "Large"], 420, 180),
    ("Walnut coffee table", "product", "Tables", [""], 310, 130),
    ("Ash dining chair", "product", "Chairs", ["Natural", "Black"], 95, 38),
    ("Bar stool", "product", "Chairs", [""], 120, 45),
    ("Bookshelf", "product", "Storage", ["3 shelves", "5 shelves"], 260, 100),
    ("Oak board 2m", "material", "Timber", [""], 0, 24.5),
    ("Walnut board 2m", "material", "Timber", [""], 0, 41.75),
    ("Wood oil 1L", "material", "Finishes", [""], 0, 12.9),
    ("Brass screws (box of 200)", "material", "Hardware", [""], 0, 8.4),
    ("Assembly service", "service", "Services", [""], 60, 0),
]


@dataclass(frozen=True)
class PersonAddress:
    line1: str
    city: str
    region: str
    postal_code: str
    country: str


def company_name(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def address(rng: random.Random, country: str) -> PersonAddress:
    city, region, postal = rng.choice(UK_CITIES if country == "GB" else US_CITIES)
    line1 = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
    return PersonAddress(
        line1, city, region, postal, "United Kingdom" if country == "GB" else "United States"
    )
