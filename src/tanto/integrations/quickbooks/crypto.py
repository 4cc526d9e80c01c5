"""QuickBooks credentials and identifiers at rest.

Tokens and the company id are Fernet ciphertext (AES-128-CBC + HMAC-SHA256) under settings.ENCRYPTION_KEYS,
newest first, older ones still decrypt. Ciphertext cannot be searched, so the company id is also kept as
a keyed hash (HMAC-SHA256 under settings.LOOKUP_KEYS): equal ids give equal hashes, which is what lookups
and the one-workspace-per-company constraint need, and without the key the hash reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


class Secret:
    """A credential in memory. Its repr and str never show the value, so it cannot leak into logs,
    tracebacks or templates by accident; code that needs the value asks for it with reveal()."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.ENCRYPTION_KEYS])


def encrypt(secret: Secret) -> str:
    return _fernet().encrypt(secret.reveal().encode()).decode()


def decrypt(token: str) -> Secret:
    return Secret(_fernet().decrypt(token.encode()).decode())


def rotate(token: str) -> str:
    """The same plaintext encrypted under the newest key."""
    return _fernet().rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """The keyed hash of `value` under the newest key: what new rows store."""
    return lookup_hashes(value)[0]


def lookup_hashes(value: str) -> list[str]:
    """The keyed hash of `value` under every configured key, newest first: rows written before a key
    rotation still match until `tanto manage rotate_secrets` rewrites them."""
    return [hmac.new(key, value.encode(), hashlib.sha256).hexdigest() for key in settings.LOOKUP_KEYS]
