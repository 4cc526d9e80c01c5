"""A local QuickBooks Online emulator: Intuit OAuth 2.0, Accounting API v3, webhooks, limits and faults."""

from .app import Emulator, create_app
from .config import EmulatorConfig

__all__ = ["Emulator", "EmulatorConfig", "create_app"]
