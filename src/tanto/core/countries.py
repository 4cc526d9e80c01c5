"""Countries a workspace may be in (ISO 3166-1 alpha-2); the ones small manufacturers using Tanto are in
most often come first."""

COUNTRIES: list[tuple[str, str]] = [
    ("US", "United States"), ("GB", "United Kingdom"), ("CA", "Canada"), ("AU", "Australia"),
    ("NZ", "New Zealand"), ("IE", "Ireland"), ("DE", "Germany"), ("FR", "France"), ("NL", "Netherlands"),
    ("BE", "Belgium"), ("ES", "Spain"), ("IT", "Italy"), ("PT", "Portugal"), ("SE", "Sweden"),
    ("NO", "Norway"), ("DK", "Denmark"), ("FI", "Finland"), ("EE", "Estonia"), ("PL", "Poland"),
    ("CZ", "Czechia"), ("AT", "Austria"), ("CH", "Switzerland"), ("IN", "India"), ("SG", "Singapore"),
    ("ZA", "South Africa"), ("MX", "Mexico"), ("BR", "Brazil"), ("JP", "Japan"), ("HK", "Hong Kong"),
    ("AE", "United Arab Emirates"),
]
