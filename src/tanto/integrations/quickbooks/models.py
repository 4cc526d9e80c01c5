"""What Tanto remembers about a QuickBooks Online company it is connected to.

A connection row is kept per (workspace, company) for as long as the workspace exists: disconnecting only
drops the tokens, so reconnecting the same company restores its mappings and contact links, while a
different company gets a row (and links) of its own.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tanto.accounts.models import Workspace
from tanto.catalog.models import TaxRate
from tanto.contacts.models import Customer, Supplier
from tanto.integrations.quickbooks.crypto import Secret, decrypt, encrypt, lookup_hash, lookup_hashes
from tanto.integrations.quickbooks.oauth import TokenSet


class Status(models.TextChoices):
    CONNECTED = "connected", "Connected"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnect"
    DISCONNECTED = "disconnected", "Disconnected"


class Mode(models.TextChoices):
    SIMPLE = "simple", "Simple Accounting"
    INVENTORY = "inventory", "Accounting with inventory"


LIVE = Q(status__in=[Status.CONNECTED, Status.NEEDS_RECONNECT])


class ConnectionQuerySet(models.QuerySet["QuickBooksConnection"]):
    def for_realm(self, realm_id: str) -> ConnectionQuerySet:
        """Connections to the QuickBooks company `realm_id` (found by its keyed hash)."""
        return self.filter(realm_hash__in=lookup_hashes(realm_id))


class QuickBooksConnection(models.Model):
    provider_key = "quickbooks"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="quickbooks_connections")
    # The company id (realmId) is encrypted like the tokens, and found by its keyed hash; use realm_id.
    realm_ciphertext = models.TextField(editable=False)
    realm_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)

    company_name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=8, blank=True)
    home_currency = models.CharField(max_length=3, blank=True)
    multi_currency_enabled = models.BooleanField(default=False)
    custom_txn_numbers = models.BooleanField(default=False)
    # When the settings above were last read from QuickBooks (None: read them before the next push), and
    # the last change noticed in them, for the health card.
    preferences_read_at = models.DateTimeField(null=True, blank=True)
    preferences_changes = models.TextField(blank=True)
    preferences_changed_at = models.DateTimeField(null=True, blank=True)

    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_by_intuit_email = models.EmailField(blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    # Tokens are Fernet ciphertext; use the access_token / refresh_token properties, never these columns.
    access_token_ciphertext = models.TextField(blank=True, editable=False)
    refresh_token_ciphertext = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_hard_expires_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every token change: refreshes compare-and-swap on it, so only one rotation can win.
    refresh_token_version = models.PositiveIntegerField(default=0)
    last_successful_call_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)

    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    sales_sync_enabled = models.BooleanField(default=False)
    purchase_sync_enabled = models.BooleanField(default=False)
    sales_account_id = models.CharField(max_length=32, blank=True)
    sales_account_name = models.CharField(max_length=200, blank=True)
    purchase_account_id = models.CharField(max_length=32, blank=True)
    purchase_account_name = models.CharField(max_length=200, blank=True)
    inventory_account_id = models.CharField(max_length=32, blank=True)
    inventory_account_name = models.CharField(max_length=200, blank=True)
    cogs_account_id = models.CharField(max_length=32, blank=True)
    cogs_account_name = models.CharField(max_length=200, blank=True)
    setup_completed_at = models.DateTimeField(null=True, blank=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "realm_hash"], name="qbo_one_row_per_company"),
            # A company connected to two workspaces would get every invoice twice.
            models.UniqueConstraint(fields=["realm_hash"], condition=LIVE, name="qbo_realm_in_one_workspace"),
            models.UniqueConstraint(fields=["workspace"], condition=LIVE, name="qbo_one_live_connection"),
        ]

    def __str__(self) -> str:
        return f"{self.company_name or self.realm_id} ({self.get_status_display()})"

    def __repr__(self) -> str:
        return f"<QuickBooksConnection {self.pk} realm={self.realm_id} {self.status}>"

    @property
    def realm_id(self) -> str:
        """The QuickBooks company id, for API URLs and links; stored only encrypted and hashed."""
        return decrypt(self.realm_ciphertext).reveal() if self.realm_ciphertext else ""

    @realm_id.setter
    def realm_id(self, value: str) -> None:
        self.realm_ciphertext = encrypt(Secret(value))
        self.realm_hash = lookup_hash(value)

    @property
    def access_token(self) -> Secret | None:
        return decrypt(self.access_token_ciphertext) if self.access_token_ciphertext else None

    @property
    def refresh_token(self) -> Secret | None:
        return decrypt(self.refresh_token_ciphertext) if self.refresh_token_ciphertext else None

    def token_fields(self, tokens: TokenSet) -> dict[str, object]:
        """Column values for a new token set (the version bump is the caller's: it is the CAS guard)."""
        now = timezone.now()
        return {
            "access_token_ciphertext": encrypt(tokens.access_token),
            "refresh_token_ciphertext": encrypt(tokens.refresh_token),
            "access_token_expires_at": now + datetime.timedelta(seconds=tokens.expires_in),
            "refresh_token_expires_at": now + datetime.timedelta(seconds=tokens.refresh_expires_in),
            "refresh_token_hard_expires_at": (
                now + datetime.timedelta(seconds=tokens.refresh_hard_expires_in)
                if tokens.refresh_hard_expires_in is not None
                else self.refresh_token_hard_expires_at
            ),
        }

    def forget_tokens(self) -> None:
        self.access_token_ciphertext = self.refresh_token_ciphertext = ""
        self.access_token_expires_at = self.refresh_token_expires_at = None
        self.refresh_token_version += 1

    @property
    def is_us(self) -> bool:
        return self.country == "US"

    @property
    def is_active(self) -> bool:
        """Connected and set up: pushes may run."""
        return self.status == Status.CONNECTED and self.setup_completed_at is not None

    @property
    def needs_reconnect(self) -> bool:
        return self.status == Status.NEEDS_RECONNECT

    def access_token_valid(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(
            self.access_token_ciphertext
            and self.access_token_expires_at
            and self.access_token_expires_at > now
        )


class TaxMapping(models.Model):
    """A Tanto tax rate and the QuickBooks tax code its lines are sent with (non-US companies)."""

    connection = models.ForeignKey(
        QuickBooksConnection, on_delete=models.CASCADE, related_name="tax_mappings"
    )
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.CASCADE, related_name="+")
    tax_code_id = models.CharField(max_length=32)
    tax_code_name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "tax_rate"], name="qbo_one_mapping_per_rate")
        ]

    def __str__(self) -> str:
        return f"{self.tax_rate_id} → {self.tax_code_name}"


class ContactKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    VENDOR = "vendor", "Supplier"


class ContactLink(models.Model):
    """A Tanto customer or supplier and the QuickBooks Customer or Vendor it is, by QuickBooks Id."""

    connection = models.ForeignKey(
        QuickBooksConnection, on_delete=models.CASCADE, related_name="contact_links"
    )
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    qbo_id = models.CharField(max_length=32)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "kind", "qbo_id"], name="qbo_link_once_per_remote"),
            models.UniqueConstraint(
                fields=["connection", "customer"],
                condition=Q(customer__isnull=False),
                name="qbo_link_once_per_customer",
            ),
            models.UniqueConstraint(
                fields=["connection", "supplier"],
                condition=Q(supplier__isnull=False),
                name="qbo_link_once_per_supplier",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="customer", customer__isnull=False, supplier__isnull=True)
                    | Q(kind="vendor", supplier__isnull=False, customer__isnull=True)
                ),
                name="qbo_link_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_id or self.supplier_id} = QuickBooks {self.qbo_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    PAUSED = "paused", "Paused — needs reconnect"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """Progress and outcome of one contact import; the progress bar polls this row."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(QuickBooksConnection, on_delete=models.CASCADE, related_name="imports")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    linked_by_email = models.PositiveIntegerField(default=0)
    linked_by_name = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict)  # reason -> count
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


# Item links live beside the code that resolves them; imported here so Django sees the model.
from tanto.integrations.quickbooks.references import ItemLink  # noqa: E402, F401
