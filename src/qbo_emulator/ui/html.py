"""Tiny HTML builders; every dynamic value goes through `esc`."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f4f5f8;color:#393a3d}
header{background:#2ca01c;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.5rem;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:1100px;margin:1.5rem auto;background:#fff;padding:1.5rem 2rem;border-radius:6px;
box-shadow:0 1px 3px rgba(0,0,0,.1)}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.45rem .6rem;
border-bottom:1px solid #e3e5e8}th{background:#f9fafb}td.num,th.num{text-align:right}
form.inline{display:inline}button{background:#2ca01c;color:#fff;border:0;padding:.45rem 1rem;
border-radius:4px;cursor:pointer;font-size:.95rem}button.secondary{background:#8d9096}
label{display:block;margin:.6rem 0 .2rem}
input[type=email],input[type=password],input[type=text],input[type=number],input[type=date]{padding:.4rem;
width:20rem;max-width:100%}.error{color:#d52b1e}.muted{color:#6b6c72}nav.tabs a{margin-right:1rem}
"""


def esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, nav: str = "") -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><span>QuickBooks Online emulator</span>{nav}</header><main>{body}</main></body></html>"
    )


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], numeric: Iterable[int] = ()) -> str:
    nums = set(numeric)
    head = "".join(f"<th{' class=num' if i in nums else ''}>{esc(h)}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in nums else ''}>{cell}</td>" for i, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'
