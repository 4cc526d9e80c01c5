"""Start-up checks for the QuickBooks settings Intuit reviews (redirect URIs must be https in production)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def redirect_uri_is_https_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.QBO_ENVIRONMENT != "production":
        return []
    parts = urlsplit(settings.QBO_REDIRECT_URI)
    host = parts.hostname or ""
    if parts.scheme == "https" and host and not host.replace(".", "").isdigit():
        return []
    return [
        Error(
            "QBO_REDIRECT_URI must be an https URL on a host name (not an IP address) in production: Intuit "
            "rejects anything else.",
            hint="Set QBO_REDIRECT_URI to https://<your host>/integrations/quickbooks/callback.",
            id="quickbooks.E001",
        )
    ]
