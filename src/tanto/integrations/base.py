"""The accounting-provider interface the rest of Tanto calls. It knows no provider by name.

A provider is a stateless descriptor (key, name, what its card shows, its setup pipeline); a connection
is the runtime object for one workspace's link to one company at that provider. Providers register
themselves from their AppConfig.ready, so the app core never imports a provider package.

A provider's setup is a pipeline of steps. Each step says whether it applies to a connection (a US
company has no tax step), whether it is complete (so the wizard can resume or reopen it prefilled), and
handles its own screen. The pipeline turns that into "which step is next" and "step n of m".
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from tanto.accounts.models import Workspace


class AccountingConnection(Protocol):
    """One workspace's connection to a company at an accounting provider (a provider's model row
    satisfies this structurally)."""

    provider_key: str
    company_name: str
    sales_sync_enabled: bool
    purchase_sync_enabled: bool

    @property
    def is_active(self) -> bool:
        """Connected and set up: documents may be pushed."""
        ...

    @property
    def needs_reconnect(self) -> bool:
        """The provider no longer accepts our credentials; only the user can fix it by reconnecting.
        Sync work pauses (it does not fail) while this is true."""
        ...


class SetupStep(abc.ABC):
    key: str
    """URL-safe name of the step, unique within its pipeline."""
    title: str
    """Shown as the step's heading and in "Step n of m"."""

    def applies_to(self, connection: Any) -> bool:
        return True

    @abc.abstractmethod
    def is_complete(self, connection: Any) -> bool: ...

    @abc.abstractmethod
    def handle(self, request: HttpRequest, connection: Any, pipeline: SetupPipeline) -> HttpResponse: ...


@dataclass(frozen=True)
class StepPosition:
    number: int
    count: int


class SetupPipeline:
    def __init__(self, steps: Sequence[SetupStep]) -> None:
        self.steps = tuple(steps)

    def steps_for(self, connection: Any) -> list[SetupStep]:
        return [step for step in self.steps if step.applies_to(connection)]

    def get(self, connection: Any, key: str) -> SetupStep | None:
        return next((step for step in self.steps_for(connection) if step.key == key), None)

    def first_incomplete(self, connection: Any) -> SetupStep | None:
        return next((step for step in self.steps_for(connection) if not step.is_complete(connection)), None)

    def after(self, connection: Any, key: str) -> SetupStep | None:
        steps = self.steps_for(connection)
        keys = [step.key for step in steps]
        index = keys.index(key) + 1 if key in keys else len(steps)
        return steps[index] if index < len(steps) else None

    def position(self, connection: Any, key: str) -> StepPosition:
        keys = [step.key for step in self.steps_for(connection)]
        return StepPosition(keys.index(key) + 1, len(keys))

    def previous_complete(self, connection: Any, key: str) -> bool:
        """Every step before `key` is done: a step's screen is refused until then."""
        for step in self.steps_for(connection):
            if step.key == key:
                return True
            if not step.is_complete(connection):
                return False
        return False


class AccountingProvider(abc.ABC):
    key: str
    """Stable identifier, used in URLs and stored data."""
    name: str
    """The provider's product name, spelled as its owner spells it."""
    description: str
    """One line under the logo on the Integrations tab."""
    logo: str
    """Static path of the provider's logo."""
    card_template: str
    """Renders the provider's card on the Integrations tab, given card_context()."""

    @abc.abstractmethod
    def connection_for(self, workspace: Workspace) -> AccountingConnection | None:
        """The workspace's live connection (connected or needing reconnect), if any."""

    @abc.abstractmethod
    def card_context(self, request: HttpRequest, workspace: Workspace) -> dict[str, Any]: ...

    @abc.abstractmethod
    def banner_context(self, workspace: Workspace) -> dict[str, Any] | None:
        """What to warn admins about on every screen (needs reconnect, expiring grant), or None."""

    @abc.abstractmethod
    def setup_pipeline(self) -> SetupPipeline: ...


_PROVIDERS: dict[str, AccountingProvider] = {}


def register(provider: AccountingProvider) -> None:
    _PROVIDERS.setdefault(provider.key, provider)


def providers() -> list[AccountingProvider]:
    return list(_PROVIDERS.values())


def active_connection(workspace: Workspace) -> AccountingConnection | None:
    """The connection documents are pushed through, or None. A workspace has at most one."""
    for provider in _PROVIDERS.values():
        found = provider.connection_for(workspace)
        if found is not None:
            return found
    return None
