"""The Settings screen's tabs. Other parts of Tanto add theirs with register_tab (Integrations does)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingsTab:
    key: str
    label: str
    url_name: str


_TABS: list[SettingsTab] = [
    SettingsTab("general", "General", "settings:general"),
    SettingsTab("tax_rates", "Tax rates", "settings:tax_rates"),
]


def register_tab(tab: SettingsTab) -> None:
    if all(existing.key != tab.key for existing in _TABS):
        _TABS.append(tab)


def tabs() -> list[SettingsTab]:
    return list(_TABS)
