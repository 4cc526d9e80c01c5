"""Re-encrypts QuickBooks tokens and company ids under the newest of TANTO_SECRET_KEYS.

Run it after putting a new key first in TANTO_SECRET_KEYS; once it has run, the old key can be dropped.
Each connection is rewritten under its row lock, so a token refresh running at the same time is not lost.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from tanto.integrations.quickbooks import crypto
from tanto.integrations.quickbooks.models import QuickBooksConnection
from tanto.integrations.quickbooks.tokens import locked_row

CIPHERTEXT_FIELDS = ("realm_ciphertext", "access_token_ciphertext", "refresh_token_ciphertext")


class Command(BaseCommand):
    help = "Re-encrypt QuickBooks tokens and company ids under the newest secret key."

    def handle(self, *args: Any, **options: Any) -> None:
        pks = list(QuickBooksConnection.objects.values_list("pk", flat=True))
        for pk in pks:
            with transaction.atomic():
                rotate_connection(locked_row(pk))
        self.stdout.write(f"Re-encrypted {len(pks)} QuickBooks connection(s) under the newest key.")


def rotate_connection(conn: QuickBooksConnection) -> None:
    for field in CIPHERTEXT_FIELDS:
        if value := getattr(conn, field):
            setattr(conn, field, crypto.rotate(value))
    conn.realm_hash = crypto.lookup_hash(conn.realm_id)
    conn.save(update_fields=[*CIPHERTEXT_FIELDS, "realm_hash"])
