"""QuickBooks fault envelopes, the exception the API layer raises, and injected-fault rules."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass
from typing import Any

OBJECT_NOT_FOUND_DETAIL = (
    "Object Not Found : Something you're trying to use has been made inactive. "
    "Check the fields with accounts, customers, items, vendors or employees."
)


@dataclass
class ErrorItem:
    code: str
    message: str
    detail: str
    element: str | None = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Message": self.message, "Detail": self.detail, "code": self.code}
        if self.element is not None:
            out["element"] = self.element
        return out


class QboFault(Exception):
    """A validation/business/system fault, rendered as {"Fault": {"Error": [...], "type": ...}}."""

    def __init__(
        self, errors: list[ErrorItem], status: int = 400, fault_type: str = "ValidationFault"
    ) -> None:
        super().__init__(errors[0].message if errors else fault_type)
        self.errors = errors
        self.status = status
        self.fault_type = fault_type

    def body(self) -> dict[str, Any]:
        return {"Fault": {"Error": [e.as_dict() for e in self.errors], "type": self.fault_type}}


def fault(code: str, message: str, detail: str, element: str | None = "", status: int = 400) -> QboFault:
    return QboFault([ErrorItem(code, message, detail, element)], status=status)


def required(field: str, element: str | None = None) -> QboFault:
    return fault(
        "2020",
        "Required param missing, need to supply the required value for the API",
        f"Required parameter {field} is missing in the request",
        element if element is not None else field,
    )


def object_not_found() -> QboFault:
    return fault("610", "Object Not Found", OBJECT_NOT_FOUND_DETAIL)


def invalid_reference(kind: str, ref_id: str) -> QboFault:
    return fault(
        "2500", "Invalid Reference Id", f"Invalid Reference Id : {kind} element id {ref_id} not found"
    )


def stale_object() -> QboFault:
    return fault(
        "5010",
        "Stale Object Error",
        "Stale Object Error : You and Sandbox Owner were working on this at the same time. "
        "Sandbox Owner finished before you did, so your work was not saved.",
    )


def business(detail: str, element: str | None = "") -> QboFault:
    return fault(
        "6000",
        "A business validation error has occurred while processing your request",
        f"Business Validation Error: {detail}",
        element,
    )


def unsupported_operation(relative: str, full: str) -> QboFault:
    return fault(
        "500",
        "Unsupported Operation",
        f"Operation Could not find resource for relative : {relative} of full path: {full} is not supported.",
        None,
    )


def system_error(status: int = 500) -> QboFault:
    return QboFault(
        [
            ErrorItem(
                "10000",
                "An application error has occurred while processing your request",
                "System Failure Error: An unexpected error occurred while accessing or saving your data. "
                "Please wait a few minutes and try again. If the problem persists, contact customer support.",
                None,
            )
        ],
        status=status,
        fault_type="SystemFault",
    )


def gateway_fault(
    status: int, code: str, name: str, detail: str, fault_type: str, epoch_ms: int
) -> dict[str, Any]:
    """The gateway's lower-case envelope used for 401/403/429 (recorded in error/401.yml)."""
    return {
        "warnings": None,
        "intuitObject": None,
        "fault": {
            "error": [
                {
                    "message": f"message={name}; errorCode={int(code):06d}; statusCode={status}",
                    "detail": detail,
                    "code": code,
                    "element": None,
                }
            ],
            "type": fault_type,
        },
        "report": None,
        "queryResponse": None,
        "batchItemResponse": [],
        "attachableResponse": [],
        "syncErrorResponse": None,
        "requestId": None,
        "time": epoch_ms,
        "status": None,
        "cdcresponse": [],
    }


# "xml" answers in XML although JSON was asked for, which QBO occasionally does (node-quickbooks #45).
FAULT_KINDS = ("http_500", "http_503", "throttle", "latency", "stall", "drop_after_commit", "xml")


@dataclass
class FaultRule:
    """One injected fault. `path` is a substring of the request path; `path_regex` is a regex."""

    kind: str
    method: str | None = None
    path: str | None = None
    path_regex: str | None = None
    entity: str | None = None
    realm_id: str | None = None
    probability: float | None = None
    count: int | None = None
    ms: int | None = None

    @classmethod
    def from_json(cls, raw: Any) -> FaultRule:
        if not isinstance(raw, dict):
            raise ValueError("each rule must be an object")
        kind = raw.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        rule = cls(
            kind=kind,
            method=_opt_str(raw, "method"),
            path=_opt_str(raw, "path"),
            path_regex=_opt_str(raw, "path_regex"),
            entity=_opt_str(raw, "entity"),
            realm_id=_opt_str(raw, "realm_id"),
            probability=float(raw["probability"]) if raw.get("probability") is not None else None,
            count=int(raw["count"]) if raw.get("count") is not None else None,
            ms=int(raw["ms"]) if raw.get("ms") is not None else None,
        )
        if rule.path_regex:
            re.compile(rule.path_regex)
        return rule

    def matches(self, method: str, path: str, entity: str | None, realm_id: str | None) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.path and self.path not in path:
            return False
        if self.path_regex and not re.search(self.path_regex, path):
            return False
        if self.realm_id and self.realm_id != realm_id:
            return False
        return not (self.entity and (entity or "").lower() != self.entity.lower())

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _opt_str(raw: dict[str, Any], key: str) -> str | None:
    val = raw.get(key)
    return None if val is None else str(val)


class FaultInjector:
    """Holds the active rules; `pick` consumes counts atomically so parallel requests see each rule once."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._random = random.Random()

    def replace(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules = list(rules)

    def clear(self) -> None:
        self.replace([])

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def pick(self, method: str, path: str, entity: str | None, realm_id: str | None) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path, entity, realm_id):
                    continue
                if rule.count is not None:
                    if rule.count <= 0:
                        continue
                    rule.count -= 1
                    return rule
                if rule.probability is not None and self._random.random() >= rule.probability:
                    continue
                return rule
        return None
