"""XML answers for clients that don't ask for JSON: QBO answers XML unless `Accept` names application/json
(reference §2.3), so an integration that forgets the header finds out here rather than in production.

The JSON payload is mapped the way Intuit's XML maps to its JSON: the root is <IntuitResponse time="…">,
`domain`/`sparse`/`status` and the paging counts become attributes, arrays become repeated elements, a
reference's `value` becomes the element text with `name` as an attribute, and faults become
<Fault type=…><Error code=… element=…><Message/><Detail/></Error></Fault>.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

NAMESPACE = "http://schema.intuit.com/finance/v3"
ATTRIBUTES = {
    "domain",
    "sparse",
    "status",
    "startPosition",
    "maxResults",
    "totalCount",
    "type",
    "code",
    "element",
}


def wants_xml(accept: str | None) -> bool:
    return "json" not in (accept or "").lower()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        if set(value) <= {"value", "name", "type"} and "value" in value:
            element.text = _text(value["value"])
            for key in ("name", "type"):
                if value.get(key):
                    element.set(key, _text(value[key]))
            return
        for key, child in value.items():
            if child is None:
                continue
            if key in ATTRIBUTES and not isinstance(child, (dict, list)):
                element.set(key, _text(child))
            elif isinstance(child, list):
                for item in child:
                    _fill(ET.SubElement(element, key), item)
            else:
                _fill(ET.SubElement(element, key), child)
        return
    element.text = _text(value)


def to_xml(body: bytes) -> bytes:
    """Re-render a JSON answer body as Intuit-style XML."""
    payload = json.loads(body, parse_float=Decimal)
    root = ET.Element("IntuitResponse", {"xmlns": NAMESPACE})
    if isinstance(payload, dict):
        if "time" in payload:
            root.set("time", _text(payload.pop("time")))
        _fill(root, payload)
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text).encode("utf-8")
