"""The QuickBooks Online Accounting API v3 client: one instance per connection and unit of work.

Every request carries minorversion and asks for JSON; every response is checked for a Fault (QuickBooks
also sends them with HTTP 200); the intuit_tid of the last response is kept for support; a 401 triggers
exactly one token refresh and retry. Queries are generators of pages so callers never hold more than one.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
from django.utils import timezone

from tanto.integrations.quickbooks import oauth, tokens
from tanto.integrations.quickbooks.errors import (
    ThrottledError,
    TransientError,
    UncertainOutcome,
    clean_text,
    error_for_response,
)
from tanto.integrations.quickbooks.models import QuickBooksConnection

logger = logging.getLogger(__name__)

MINOR_VERSION = "75"
PAGE_SIZE = 1000  # QuickBooks' maximum MAXRESULTS


def quote(value: str) -> str:
    """A string literal for the QuickBooks query language (apostrophes escaped as QuickBooks expects)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class QuickBooksClient:
    def __init__(self, connection: QuickBooksConnection, *, http: httpx.Client | None = None) -> None:
        self.connection = connection
        self._http = http or oauth.http()
        self.last_intuit_tid = ""

    def __enter__(self) -> QuickBooksClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"<QuickBooksClient realm={self.connection.realm_id}>"

    # -- transport -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: str | None = None,
        content_type: str | None = None,
        read_only: bool | None = None,
    ) -> dict[str, Any]:
        """One call. A read (GET, or a query) that meets a server error is resubmitted once, as Intuit
        advises; writes are never repeated here, their callers retry with the same request id."""
        reads = method == "GET" if read_only is None else read_only
        try:
            return self._call(method, path, params, json, content, content_type, reads)
        except TransientError as exc:
            if not reads or isinstance(exc, ThrottledError):
                raise
            logger.info("quickbooks.api.resubmit %s %s after %s", method, path, exc.status)
            return self._call(method, path, params, json, content, content_type, reads)

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: Any,
        content: str | None,
        content_type: str | None,
        reads: bool,
    ) -> dict[str, Any]:
        url = f"{oauth.api_base_url()}/v3/company/{self.connection.realm_id}/{path.lstrip('/')}"
        query = {**(params or {}), "minorversion": MINOR_VERSION}
        token = tokens.current_access_token(self.connection)
        seen_version = self.connection.refresh_token_version
        send = (method, url, query, json, content, content_type, reads)
        response = self._send(token.reveal(), *send)
        if response.status_code == 401:
            # The token may have been revoked or expired early: refresh once, then give up.
            token = tokens.refresh_tokens(self.connection, seen_version=seen_version)
            response = self._send(token.reveal(), *send)
        return self._result(method, path, response)

    def _send(
        self,
        bearer: str,
        method: str,
        url: str,
        query: dict[str, str],
        json: Any,
        content: str | None,
        content_type: str | None,
        reads: bool,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {bearer}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        try:
            response = self._http.request(
                method, url, params=query, json=json, content=content, headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached QuickBooks.
            raise TransientError("QuickBooks could not be reached.") from exc
        except httpx.HTTPError as exc:
            # The request went out but no answer came back: a write may or may not have been applied.
            if reads:
                raise TransientError("QuickBooks did not answer in time.") from exc
            raise UncertainOutcome(
                "QuickBooks did not answer; the change may or may not have been saved."
            ) from exc
        # Kept for support and stored with each attempt: plain text, as long as the column allows.
        self.last_intuit_tid = clean_text(response.headers.get("intuit_tid", ""), 80)
        path = url.split("/v3/", 1)[-1]
        elapsed = round((time.monotonic() - started) * 1000)
        # The path only: query strings and bodies can hold customer data.
        logger.info(
            "quickbooks.api.response %s %s %s intuit_tid=%s %sms",
            method,
            path,
            response.status_code,
            self.last_intuit_tid,
            elapsed,
        )
        return response

    def _result(self, method: str, path: str, response: httpx.Response) -> dict[str, Any]:
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        retry_after = _seconds(response.headers.get("Retry-After"))
        error = error_for_response(
            response.status_code, body, intuit_tid=self.last_intuit_tid, retry_after=retry_after
        )
        if error is None and not isinstance(body, dict):
            error = TransientError(
                f"QuickBooks sent an unreadable answer (HTTP {response.status_code}).",
                status=response.status_code,
                intuit_tid=self.last_intuit_tid,
            )
        if error is not None:
            logger.warning(
                "quickbooks.api.fault %s %s status=%s code=%s kind=%s intuit_tid=%s",
                method,
                path.split("?", 1)[0],
                error.status,
                error.code,
                error.kind,
                error.intuit_tid,
            )
            raise error
        self._record_success()
        assert isinstance(body, dict)
        return body

    def _record_success(self) -> None:
        now = timezone.now()
        QuickBooksConnection.objects.filter(pk=self.connection.pk).update(last_successful_call_at=now)
        self.connection.last_successful_call_at = now

    # -- reads -----------------------------------------------------------------------------------

    def get(self, path: str, **params: str) -> dict[str, Any]:
        return self.request("GET", path, params=params)

    def post(
        self, path: str, payload: dict[str, Any], *, request_id: str | None = None, **params: str
    ) -> dict[str, Any]:
        """A write. Pass the same request_id on every retry: QuickBooks then answers a replay with the
        original response instead of applying it twice."""
        if request_id:
            params["requestid"] = request_id
        return self.request("POST", path, params=params, json=payload)

    def query(self, statement: str) -> dict[str, Any]:
        body = self.request(
            "POST", "query", content=statement, content_type="application/text", read_only=True
        )
        response = body.get("QueryResponse")
        return response if isinstance(response, dict) else {}

    def count(self, entity: str, where: str = "") -> int:
        response = self.query(f"SELECT COUNT(*) FROM {entity}{_where(where)}")
        total = response.get("totalCount", 0)
        if isinstance(total, bool) or not isinstance(total, (int, str)) or not str(total).isdigit():
            raise TransientError("QuickBooks sent an unreadable count.", intuit_tid=self.last_intuit_tid)
        return int(total)

    def pages(
        self, entity: str, where: str = "", *, total: int | None = None, order_by: str = "Id"
    ) -> Iterator[list[dict[str, Any]]]:
        """Every matching row, a page (≤ 1000) at a time. With `total` known (from count()), stops after
        the last page instead of asking for an empty one."""
        start = 1
        while total is None or start <= total:
            response = self.query(
                f"SELECT * FROM {entity}{_where(where)} ORDERBY {order_by} "
                f"STARTPOSITION {start} MAXRESULTS {PAGE_SIZE}"
            )
            answered = response.get(entity) or []
            answered = answered if isinstance(answered, list) else []
            # Only rows that are objects reach callers; the page length still decides whether more follow.
            rows = [row for row in answered if isinstance(row, dict)]
            if rows:
                yield rows
            if len(answered) < PAGE_SIZE:
                return
            start += PAGE_SIZE

    def all(self, entity: str, where: str = "") -> list[dict[str, Any]]:
        """A short list (accounts, tax codes) read in full."""
        return [row for page in self.pages(entity, where) for row in page]

    def company_info(self) -> dict[str, Any]:
        info = self.get(f"companyinfo/{self.connection.realm_id}").get("CompanyInfo")
        return info if isinstance(info, dict) else {}

    def preferences(self) -> dict[str, Any]:
        prefs = self.get("preferences").get("Preferences")
        return prefs if isinstance(prefs, dict) else {}


_ID = re.compile(r"[0-9A-Za-z-]{1,32}")


def qbo_id(value: Any) -> str:
    """A QuickBooks Id as text, or "" when the value cannot be one (only such Ids are ever stored)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    text = str(value)
    return text if _ID.fullmatch(text) else ""


def _where(where: str) -> str:
    return f" WHERE {where}" if where else ""


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
