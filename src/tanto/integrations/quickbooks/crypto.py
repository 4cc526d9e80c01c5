"""Tokens at rest: MultiFernet over settings.ENCRYPTION_KEYS (newest first, older ones still decrypt)."""

from __future__ import annotations

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
