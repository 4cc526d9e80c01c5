"""The migration that takes company ids out of plaintext keeps every existing connection findable."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tanto.integrations.quickbooks.crypto import lookup_hash
from tanto.integrations.quickbooks.models import QuickBooksConnection

BEFORE = [("quickbooks", "0002_itemlink")]


def latest() -> list[tuple[str, str]]:
    """The newest migration: the app's own model (used to find the connection) matches only that."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes("quickbooks")


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_connections_are_encrypted_hashed_and_found_again(workspace: Any) -> None:
    old = migrate(BEFORE)
    OldConnection = old.get_model("quickbooks", "QuickBooksConnection")
    OldConnection.objects.create(workspace_id=workspace.pk, realm_id="9130355555555555", status="connected")
    try:
        migrate(latest())
        conn = QuickBooksConnection.objects.for_realm("9130355555555555").get()
        assert conn.workspace_id == workspace.pk and conn.realm_id == "9130355555555555"
        assert conn.realm_hash == lookup_hash("9130355555555555")
        assert "9130355555555555" not in conn.realm_ciphertext

        # And back again, for a deployment that has to roll back.
        reverted = migrate(BEFORE).get_model("quickbooks", "QuickBooksConnection")
        assert list(reverted.objects.values_list("realm_id", flat=True)) == ["9130355555555555"]
    finally:
        migrate(latest())
