"""The QuickBooks fixtures of tests/integrations (the emulator over real HTTP, `qbo`, `connect`,
`connected`) made available to the security suite, which attacks the same flows."""

from tests.integrations.conftest import connect, connected, emulator, qbo  # noqa: F401
