"""The company id leaves plaintext: encrypted for use, keyed-hashed for lookups and uniqueness."""

from typing import Any

from django.db import migrations, models
from django.db.models import Q

from tanto.integrations.quickbooks.crypto import Secret, decrypt, encrypt, lookup_hash

LIVE = Q(status__in=["connected", "needs_reconnect"])


def protect_realm_ids(apps: Any, schema_editor: Any) -> None:
    Connection = apps.get_model("quickbooks", "QuickBooksConnection")
    for conn in Connection.objects.all():
        conn.realm_ciphertext = encrypt(Secret(conn.realm_id))
        conn.realm_hash = lookup_hash(conn.realm_id)
        conn.save(update_fields=["realm_ciphertext", "realm_hash"])


def reveal_realm_ids(apps: Any, schema_editor: Any) -> None:
    Connection = apps.get_model("quickbooks", "QuickBooksConnection")
    for conn in Connection.objects.all():
        conn.realm_id = decrypt(conn.realm_ciphertext).reveal()
        conn.save(update_fields=["realm_id"])


class Migration(migrations.Migration):
    dependencies = [("quickbooks", "0002_itemlink")]

    operations = [
        migrations.AddField(
            "quickbooksconnection",
            "realm_ciphertext",
            models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            "quickbooksconnection",
            "realm_hash",
            models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        # In this order so that going back refills realm_id before its old constraints return.
        migrations.RemoveConstraint("quickbooksconnection", "qbo_one_row_per_company"),
        migrations.RemoveConstraint("quickbooksconnection", "qbo_realm_in_one_workspace"),
        migrations.RunPython(protect_realm_ids, reveal_realm_ids),
        # A default first, so that going back can add the column to existing rows before refilling it.
        migrations.AlterField("quickbooksconnection", "realm_id", models.CharField(default="", max_length=32)),
        migrations.RemoveField("quickbooksconnection", "realm_id"),
        migrations.AddConstraint(
            "quickbooksconnection",
            models.UniqueConstraint(fields=("workspace", "realm_hash"), name="qbo_one_row_per_company"),
        ),
        migrations.AddConstraint(
            "quickbooksconnection",
            models.UniqueConstraint(condition=LIVE, fields=("realm_hash",), name="qbo_realm_in_one_workspace"),
        ),
    ]
