"""Deploy checks (`tanto manage check --deploy`): refuse a production set-up that would leak or lose data."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_secrets(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.SECRET_KEYS.generated:
        errors.append(
            Error(
                "TANTO_SECRET_KEYS is not set: tokens would be encrypted with a key generated into the data "
                "directory.",
                hint="Set TANTO_SECRET_KEYS to long random strings, comma-separated, newest first.",
                id="tanto.E001",
            )
        )
    if settings.DEBUG:
        errors.append(Error("TANTO_DEBUG is on.", hint="Unset TANTO_DEBUG in production.", id="tanto.E002"))
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        errors.append(
            Error(
                "Session and CSRF cookies are not marked Secure.",
                hint="Serve Tanto over HTTPS and leave TANTO_SECURE_COOKIES unset (or 1).",
                id="tanto.E003",
            )
        )
    return errors
