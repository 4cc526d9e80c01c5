"""A tiny reader for the VCR cassettes under shared/fixtures/qbo-recorded.

PyYAML is not a dependency, and the cassettes use a narrow slice of YAML: nested mappings, `- ` list items,
plain scalars and single-quoted scalars folded over several lines. This reader understands exactly that.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "qbo-recorded"

_COMPLETE = re.compile(r"^'(?:[^']|'')*'$", re.S)
_KEY = re.compile(r"^(?P<indent> *)(?P<dash>- )?(?P<key>[A-Za-z_][\w-]*):(?: (?P<value>.*))?$")


@dataclass
class Interaction:
    method: str
    uri: str
    request_body: str
    status: int
    response_headers: dict[str, list[str]] = field(default_factory=dict)
    response_body: str = ""

    @property
    def path_and_query(self) -> str:
        parts = urlsplit(self.uri)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def json(self) -> Any:
        return json.loads(self.response_body)


def _unquote_single(lines: list[str]) -> str:
    """Fold a single-quoted YAML scalar: line breaks become spaces, blank lines newlines, '' is a quote."""
    text = lines[0]
    for line in lines[1:]:
        stripped = line.strip()
        text += "\n" if not stripped else (" " + stripped if not text.endswith("\n") else stripped)
    assert text.startswith("'") and text.endswith("'"), text[:40]
    return text[1:-1].replace("''", "'")


def _scalar_lines(lines: list[str], start: int, first: str) -> tuple[str, int]:
    """Read a scalar starting on line `start`; return its value and the next line index."""
    if not first.startswith("'"):
        plain = first.strip()
        if len(plain) >= 2 and plain[0] == plain[-1] == '"':
            plain = plain[1:-1]
        return plain, start + 1
    chunk = [first]
    i = start + 1
    # Complete once the joined text is one quoted run in which every inner quote is doubled.
    while not _COMPLETE.match(" ".join(part.strip() for part in chunk)):
        chunk.append(lines[i])
        i += 1
    return _unquote_single(chunk), i


def parse(path: Path) -> list[Interaction]:
    lines = path.read_text().splitlines()
    out: list[Interaction] = []
    current: dict[str, Any] = {}
    section = ""
    header = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _KEY.match(line)
        if not m:
            item = line.strip()
            if item.startswith("- ") and header:
                value, i = _scalar_lines(lines, i, item[2:])
                current.setdefault("headers", {}).setdefault(header, []).append(value)
                continue
            i += 1
            continue
        key, value, indent = m.group("key"), m.group("value"), len(m.group("indent"))
        if key == "request" and m.group("dash"):
            if current:
                out.append(_build(current))
            current, section = {}, "request"
        elif key == "response" and indent <= 2:
            section = "response"
        elif key == "headers":
            header = ""
        elif section == "response" and indent == 6 and value is None and key not in ("status", "body"):
            header = key
        if value is not None and value != "":
            scalar, i = _scalar_lines(lines, i, value)
            if key in ("method", "uri") and section == "request":
                current[key] = scalar
            elif key == "string":
                current[f"{section}_body"] = scalar
            elif key == "code" and section == "response":
                current["status"] = int(scalar)
            continue
        i += 1
    if current:
        out.append(_build(current))
    return out


def _build(raw: dict[str, Any]) -> Interaction:
    return Interaction(
        method=raw.get("method", "get").upper(),
        uri=raw.get("uri", ""),
        request_body=raw.get("request_body", ""),
        status=raw.get("status", 0),
        response_headers=raw.get("headers", {}),
        response_body=raw.get("response_body", ""),
    )


def load(name: str) -> list[Interaction]:
    return parse(FIXTURES / name)
