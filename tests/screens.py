"""Reads a page as assistive technology does: buttons and links by their accessible name, and whether
they sit in the page's footer. Lets tests that use Django's test client find controls the way a user
does, as the Playwright tests do, instead of matching markup."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Control:
    role: str  # "button" or "link"
    name: str
    href: str = ""
    in_footer: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        # Open elements: (tag, hidden from assistive technology, control being named or None).
        self.open: list[tuple[str, bool, Control | None]] = []
        self.texts: dict[int, list[str]] = {}
        self.labelled: set[int] = set()  # controls named by aria-label, which replaces their content

    def hidden(self) -> bool:
        return any(hidden for _, hidden, _ in self.open)

    def naming(self) -> list[Control]:
        return [control for _, _, control in self.open if control is not None]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        hidden = attr.get("aria-hidden") == "true" or "hidden" in attr
        if tag == "img" and not (hidden or self.hidden()):
            self.add_text(attr.get("alt", ""))
        if tag == "input" and attr.get("type") in {"submit", "button"} and not hidden:
            self.controls.append(Control("button", attr.get("value", ""), in_footer=self.in_footer()))
        if tag in VOID:
            return
        control = None
        if not (hidden or self.hidden()) and (tag == "button" or (tag == "a" and "href" in attr)):
            control = Control("button" if tag == "button" else "link", "", attr.get("href", ""))
            control.in_footer = self.in_footer()
            self.controls.append(control)
            self.texts[id(control)] = [attr["aria-label"]] if "aria-label" in attr else []
            if "aria-label" in attr:
                self.labelled.add(id(control))
        self.open.append((tag, hidden, control))

    def in_footer(self) -> bool:
        return any(tag == "footer" for tag, _, _ in self.open)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            closed, _, control = self.open.pop()
            if control is not None:
                control.name = " ".join(" ".join(self.texts.pop(id(control))).split())
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden():
            self.add_text(data)

    def add_text(self, text: str) -> None:
        for control in self.naming():
            if id(control) not in self.labelled:
                self.texts[id(control)].append(text)


def controls(html: str) -> list[Control]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.controls


def buttons(html: str) -> list[str]:
    """The names of the buttons on the page, in order."""
    return [c.name for c in controls(html) if c.role == "button"]


def links(html: str, name: str) -> list[Control]:
    """The links with exactly this name."""
    return [c for c in controls(html) if c.role == "link" and c.name == name]
