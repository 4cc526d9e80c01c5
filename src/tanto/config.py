"""Reads Tanto's configuration from the environment, in one place.

Everything an operator can set is here with its default, so README and code cannot drift apart.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    path = Path(os.environ.get("TANTO_DATA_DIR", ".tanto")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_settings(url: str | None, directory: Path) -> dict[str, object]:
    """Django DATABASES['default'] from DATABASE_URL, or the SQLite file in the data directory."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(directory / "tanto.sqlite3"),
            # IMMEDIATE makes writers take the lock up front, so concurrent workers queue instead of
            # failing with "database is locked" halfway through a transaction.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, got scheme {parts.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "tanto",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


@dataclass(frozen=True)
class SecretKeys:
    """TANTO_SECRET_KEYS: comma-separated keys, newest first. Older keys still decrypt and verify,
    which is how keys are rotated without losing stored tokens or sessions."""

    keys: tuple[str, ...]
    generated: bool

    def django_secret_key(self) -> str:
        return self._derive(self.keys[0], "django-signing")

    def django_fallbacks(self) -> list[str]:
        return [self._derive(key, "django-signing") for key in self.keys[1:]]

    def fernet_keys(self) -> list[bytes]:
        return [base64.urlsafe_b64encode(hashlib.sha256(f"fernet:{k}".encode()).digest()) for k in self.keys]

    def lookup_keys(self) -> list[bytes]:
        """Keys for the keyed hashes that stand in for identifiers we must find without storing them."""
        return [hashlib.sha256(f"lookup:{k}".encode()).digest() for k in self.keys]

    @staticmethod
    def _derive(key: str, purpose: str) -> str:
        return hashlib.sha256(f"{purpose}:{key}".encode()).hexdigest()


def secret_keys(directory: Path) -> SecretKeys:
    configured = [k.strip() for k in os.environ.get("TANTO_SECRET_KEYS", "").split(",") if k.strip()]
    if configured:
        return SecretKeys(tuple(configured), generated=False)
    # No key configured: make one for this data directory (the demo's case). Production refuses this
    # through the deploy check in tanto.core.checks.
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return SecretKeys((key_file.read_text().strip(),), generated=True)
