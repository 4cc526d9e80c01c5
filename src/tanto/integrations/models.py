"""Shared state for outbound rate limiting (see tanto.integrations.ratelimit).

Every worker process, on every machine, decides through these rows, so the limits hold across all of them.
Times are wall-clock epoch seconds (time.time()) rather than datetimes: the limiter does arithmetic on them
on every request, and all processes already have to agree on the wall clock.
"""

from __future__ import annotations

from django.db import models


class RateLimitKey(models.Model):
    """One row per limited key (e.g. "quickbooks:<realm id>"). Deciders lock it, which serialises them."""

    key = models.CharField(max_length=200, unique=True)
    # Nobody starts a request for this key before this instant (set after the provider answered 429).
    paused_until = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.key


class RateLimitRequest(models.Model):
    """A request start for a key. The same row is the in-flight lease until released (or until it expires,
    which is how a crashed worker's slot comes back), and counts towards the window until it is older
    than the window."""

    limit_key = models.ForeignKey(RateLimitKey, on_delete=models.CASCADE, related_name="requests")
    started_at = models.FloatField()
    # How many requests this start counts as against the per-window limit.
    cost = models.PositiveIntegerField(default=1)
    batch = models.BooleanField(default=False)
    lease_until = models.FloatField()
    released_at = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["limit_key", "started_at"], name="ratelimit_req_started"),
            models.Index(fields=["limit_key", "released_at", "lease_until"], name="ratelimit_req_inflight"),
        ]

    def __str__(self) -> str:
        return f"{self.limit_key_id}@{self.started_at}"


# The outbox lives in its own module; imported here so Django sees its models.
from tanto.integrations.outbox import PushRun, SyncAttempt, SyncRecord  # noqa: E402, F401
