"""Emulator configuration: one dataclass, with the demo app registration read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DAY = 86400

DEFAULT_REDIRECTS = (
    "http://127.0.0.1:8000/integrations/quickbooks/callback",
    "http://localhost:8000/integrations/quickbooks/callback",
)


@dataclass
class DemoApp:
    client_id: str = "tanto-demo"
    client_secret: str = "tanto-demo-secret"
    redirect_uris: list[str] = field(default_factory=lambda: list(DEFAULT_REDIRECTS))
    webhook_url: str | None = None
    verifier_token: str = "tanto-demo-verifier"
    webhook_format: str = "legacy"

    @classmethod
    def from_env(cls) -> DemoApp:
        env = os.environ
        uris = env.get("QBO_EMULATOR_DEMO_REDIRECT_URIS")
        return cls(
            client_id=env.get("QBO_EMULATOR_DEMO_CLIENT_ID", "tanto-demo"),
            client_secret=env.get("QBO_EMULATOR_DEMO_CLIENT_SECRET", "tanto-demo-secret"),
            redirect_uris=[u.strip() for u in uris.split(",") if u.strip()]
            if uris
            else list(DEFAULT_REDIRECTS),
            webhook_url=env.get("QBO_EMULATOR_DEMO_WEBHOOK_URL") or None,
            verifier_token=env.get("QBO_EMULATOR_DEMO_VERIFIER_TOKEN", "tanto-demo-verifier"),
        )


@dataclass
class EmulatorConfig:
    host: str = "127.0.0.1"
    port: int = 8001
    data_dir: Path | None = None
    control: bool = True
    # OAuth lifetimes in seconds (Intuit: 1 h access, 100 days rolling refresh,
    # a 5-year hard cap, 24 h before a rotated refresh token goes stale).
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 100 * DAY
    refresh_token_hard_ttl: int = 5 * 365 * DAY
    refresh_stale_grace: int = DAY
    # Limits (Intuit "API call limits and throttles"); the window is configurable for fast tests.
    limits_enabled: bool = True
    limit_window_seconds: float = 60.0
    requests_per_window: int = 500
    concurrent_per_app: int = 10
    batch_per_window: int = 40
    # Webhook retry ladder is multiplied by this; 0.001 turns 10 s into 10 ms for tests.
    webhook_time_scale: float = 1.0
    webhook_timeout: float = 3.0
    webhooks_enabled: bool = True
    persist_debounce_seconds: float = 0.5
    demo_app: DemoApp | None = field(default_factory=DemoApp.from_env)
    stall_default_ms: int = 125_000
