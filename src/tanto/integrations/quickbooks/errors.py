"""QuickBooks failures as typed errors, classified by what the caller should do about them.

QuickBooks reports problems in two shapes: the API's `Fault` envelope (capitalised keys, also inside an
HTTP 200) and the gateway's lower-case `fault` for authentication and throttling. Both are read here, so
the rest of the integration only ever sees these classes. Messages never include request or token data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Fault texts are QuickBooks' (or a proxy's) words shown to users: they are cleaned of markup and control
# characters and cut short, so a garbled answer cannot fill the Sync log with a page of HTML or bytes.
MAX_FAULT_TEXT = 300
_MARKUP = re.compile(r"<[^>]*>?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean_text(value: Any, limit: int = MAX_FAULT_TEXT) -> str:
    """A fault's code, message or detail as plain, short, single-line text ("" for non-text values)."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return ""
    text = " ".join(_CONTROL.sub(" ", _MARKUP.sub(" ", str(value))).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Kind(StrEnum):
    TRANSIENT = "transient"  # retry later with the same request id: 429, 5xx, timeouts, dropped connections
    PERMANENT = "permanent"  # the request itself is wrong: show the user what to fix
    AUTH = "auth"  # the token or the grant: refresh, or ask the user to reconnect


@dataclass(frozen=True)
class FaultDetail:
    code: str
    message: str
    detail: str = ""
    element: str = ""


class QuickBooksError(Exception):
    kind: Kind = Kind.PERMANENT

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        intuit_tid: str = "",
        faults: tuple[FaultDetail, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.intuit_tid = intuit_tid
        self.faults = faults

    @property
    def code(self) -> str:
        return self.faults[0].code if self.faults else ""


class TransientError(QuickBooksError):
    kind = Kind.TRANSIENT


class ThrottledError(TransientError):
    def __init__(self, message: str, *, retry_after: float = 60.0, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class PermanentError(QuickBooksError):
    kind = Kind.PERMANENT


class AuthError(QuickBooksError):
    """The access token was refused (401/403). The client refreshes once before giving up with this."""

    kind = Kind.AUTH


class NeedsReconnect(AuthError):
    """The grant is gone (invalid_grant, revoked, disconnected): only the user can fix it, by reconnecting."""


class OAuthError(QuickBooksError):
    """The token endpoint refused a code exchange or a refresh for a reason other than invalid_grant."""


def parse_faults(body: Any) -> tuple[str, tuple[FaultDetail, ...]]:
    """(fault type, details) from either fault shape; ("", ()) when the body carries no fault."""
    if not isinstance(body, dict):
        return "", ()
    fault = body.get("Fault") or body.get("fault")
    if not fault:
        return "", ()
    errors = (fault.get("Error") or fault.get("error") or []) if isinstance(fault, dict) else []
    if not isinstance(errors, list) or not any(isinstance(e, dict) for e in errors):
        # A fault we cannot read is still a fault: never take its answer for a success.
        errors = [{"Message": "QuickBooks reported a problem without describing it."}]
    details = tuple(
        FaultDetail(
            code=clean_text(e.get("code") or e.get("Code"), 20),
            message=clean_text(e.get("Message") or e.get("message")),
            detail=clean_text(e.get("Detail") or e.get("detail")),
            element=clean_text(e.get("element"), 100),
        )
        for e in errors
        if isinstance(e, dict)
    )
    return clean_text(fault.get("type") if isinstance(fault, dict) else "", 60), details


def _summary(faults: tuple[FaultDetail, ...], fallback: str) -> str:
    if not faults:
        return fallback
    first = faults[0]
    # The gateway's Detail can quote the token ("Token expired: AB0…"), so auth faults keep only the message.
    message = first.message or fallback  # a fault without words still gets some
    return f"{message} (code {first.code})" if first.code else message


def error_for_response(
    status: int, body: Any, *, intuit_tid: str = "", retry_after: float | None = None
) -> QuickBooksError | None:
    """The error an API response stands for, or None when it succeeded."""
    fault_type, faults = parse_faults(body)
    if status < 400 and not faults:
        return None
    kw: dict[str, Any] = {"status": status, "intuit_tid": intuit_tid, "faults": faults}
    if status == 429 or any(f.code == "3001" for f in faults):
        return ThrottledError(
            "QuickBooks is limiting requests for this company; trying again shortly.",
            retry_after=retry_after or 60.0,
            **kw,
        )
    if status in (401, 403) or fault_type.lower() in {"authenticationfault", "authentication"}:
        return AuthError(_summary(faults, "QuickBooks refused the access token."), **kw)
    if status >= 500 or fault_type == "SystemFault":
        detail = _summary(faults, f"HTTP {status}")
        return TransientError(
            f"QuickBooks had a temporary problem ({detail}). Try again in a few minutes.", **kw
        )
    return PermanentError(f"QuickBooks rejected the request: {_summary(faults, f'HTTP {status}')}.", **kw)


class UncertainOutcome(TransientError):
    """A write went out and no answer came back: look the document up before trying again."""
