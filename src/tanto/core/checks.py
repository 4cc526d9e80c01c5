"""Deploy checks (`tanto manage check --deploy`): refuse a production set-up that would leak or lose data,
and warn about one that would leave users without help. `tanto serve` stops on errors only."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning

from tanto.core.support import is_web_address


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


@register(deploy=True)
def support_contact(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckWarning]:
    # Warnings, not errors: the app works without a contact, but Intuit's review requires an in-app one,
    # and without it /support/ can only tell users to ask their administrator.
    warnings = []
    if not (settings.SUPPORT_EMAIL or settings.SUPPORT_URL):
        warnings.append(
            CheckWarning(
                "No support contact configured: set TANTO_SUPPORT_EMAIL or TANTO_SUPPORT_URL so users can "
                "reach you (Intuit requires an in-app support contact).",
                hint="The Help and support page (/support/) shows them.",
                id="tanto.W010",
            )
        )
    if settings.SUPPORT_URL and not is_web_address(settings.SUPPORT_URL):
        warnings.append(
            CheckWarning(
                f"TANTO_SUPPORT_URL is not a web address: {settings.SUPPORT_URL!r}.",
                hint="Give the full address, starting with https://. Until then /support/ leaves it out.",
                id="tanto.W011",
            )
        )
    return warnings
