"""Emulator state: per-realm entity tables plus the OAuth registry, guarded by one re-entrant lock.

Stored entities are kept in their wire shape (the dicts QBO returns), money as Decimal, so reads are a
single serialisation away from the response.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from . import wire

# QBO numbers Customer, Vendor and Employee from one sequence and all transactions from another
# (recorded ids: customers 1-29, vendors 30-57; estimate 48 then invoice 49).
NAME_ENTITIES = frozenset({"Customer", "Vendor", "Employee"})
TXN_ENTITIES = frozenset({"Invoice", "Bill", "Payment", "BillPayment", "JournalEntry", "CreditMemo"})

# (realm, entity, id, operation, deleted_id): deleted_id is set for merges (the record merged away).
ChangeListener = Callable[["Realm", str, str, str, "str | None"], None]


def _sequence(entity: str) -> str:
    if entity in NAME_ENTITIES:
        return "names"
    if entity in TXN_ENTITIES:
        return "txn"
    return entity


@dataclass
class Realm:
    realm_id: str
    name: str
    country: str
    owner_email: str
    tz_name: str = "America/Los_Angeles"
    entities: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    # CDC needs to report hard-deleted transactions: entity -> id -> {"Id", "LastUpdatedTime"}.
    deleted: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # requestid -> (status, body): a replay answers with exactly the first response.
    requestids: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    version: int = 0

    def __post_init__(self) -> None:
        self._tz = ZoneInfo(self.tz_name)
        self._sorted_cache: dict[tuple[str, str], tuple[int, list[dict[str, Any]]]] = {}
        # Serialised rows keyed by object identity: stored rows are replaced, never edited in place, so a
        # row's bytes stay valid until put() swaps the object.
        self._wire_cache: dict[int, tuple[dict[str, Any], bytes]] = {}
        self.query_cache: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def table(self, entity: str) -> dict[str, dict[str, Any]]:
        return self.entities.setdefault(entity, {})

    def get(self, entity: str, obj_id: str) -> dict[str, Any] | None:
        return self.entities.get(entity, {}).get(obj_id)

    def next_id(self, entity: str) -> str:
        seq = _sequence(entity)
        self.counters[seq] = self.counters.get(seq, 0) + 1
        return str(self.counters[seq])

    def bump_counter(self, key: str, start: int) -> int:
        value = self.counters.get(key, start - 1) + 1
        self.counters[key] = value
        return value

    def row_bytes(self, obj: dict[str, Any]) -> bytes:
        cached = self._wire_cache.get(id(obj))
        if cached is not None and cached[0] is obj:
            return cached[1]
        data = wire.dumps(obj)
        self._wire_cache[id(obj)] = (obj, data)
        return data

    def put(self, entity: str, obj: dict[str, Any]) -> None:
        old = self.table(entity).get(obj["Id"])
        if old is not None:
            self._wire_cache.pop(id(old), None)
        self.table(entity)[obj["Id"]] = obj
        self.deleted.get(entity, {}).pop(obj["Id"], None)
        self.version += 1

    def remove(self, entity: str, obj_id: str, when: str) -> None:
        old = self.table(entity).pop(obj_id, None)
        if old is not None:
            self._wire_cache.pop(id(old), None)
        self.deleted.setdefault(entity, {})[obj_id] = {"Id": obj_id, "LastUpdatedTime": when}
        self.version += 1

    def sorted_rows(
        self, entity: str, key_name: str, key: Callable[[dict[str, Any]], Any]
    ) -> list[dict[str, Any]]:
        """Rows in default order, cached until the realm changes (paging 10k rows must stay cheap)."""
        cached = self._sorted_cache.get((entity, key_name))
        if cached and cached[0] == self.version:
            return cached[1]
        rows = sorted(self.entities.get(entity, {}).values(), key=key)
        self._sorted_cache[(entity, key_name)] = (self.version, rows)
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "realm_id": self.realm_id,
            "name": self.name,
            "country": self.country,
            "owner_email": self.owner_email,
            "tz_name": self.tz_name,
            "entities": self.entities,
            "counters": self.counters,
            "deleted": self.deleted,
            "requestids": {k: [v[0], v[1].decode("utf-8")] for k, v in self.requestids.items()},
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Realm:
        realm = cls(
            realm_id=raw["realm_id"],
            name=raw["name"],
            country=raw["country"],
            owner_email=raw["owner_email"],
            tz_name=raw.get("tz_name", "America/Los_Angeles"),
            entities=wire.normalise_numbers(raw.get("entities", {})),
            counters=raw.get("counters", {}),
            deleted=raw.get("deleted", {}),
        )
        realm.requestids = {
            k: (int(v[0]), v[1].encode("utf-8")) for k, v in raw.get("requestids", {}).items()
        }
        return realm


@dataclass
class User:
    email: str
    password: str
    given_name: str
    family_name: str
    sub: str
    phone: str = "+1 (650) 555-0100"


@dataclass
class App:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    webhook_url: str | None = None
    verifier_token: str | None = None
    webhook_format: str = "legacy"
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.client_id


@dataclass
class Grant:
    """One connection (app x company x user): what a refresh-token chain belongs to."""

    grant_id: str
    client_id: str
    realm_id: str
    email: str
    scopes: list[str]
    created_at: float
    refresh_expires_at: float
    hard_expires_at: float
    current_refresh: str = ""
    revoked: bool = False


@dataclass
class RefreshRecord:
    grant_id: str
    issued_at: float
    superseded_at: float | None = None


@dataclass
class AccessRecord:
    grant_id: str
    expires_at: float


@dataclass
class CodeRecord:
    client_id: str
    redirect_uri: str
    realm_id: str
    email: str
    scopes: list[str]
    expires_at: float
    used: bool = False
    grant_id: str | None = None


@dataclass
class AuthState:
    users: dict[str, User] = field(default_factory=dict)
    apps: dict[str, App] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshRecord] = field(default_factory=dict)
    access_tokens: dict[str, AccessRecord] = field(default_factory=dict)
    codes: dict[str, CodeRecord] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            name: {k: asdict(v) if not isinstance(v, str) else v for k, v in getattr(self, name).items()}
            for name in ("users", "apps", "grants", "refresh_tokens", "access_tokens", "codes", "sessions")
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> AuthState:
        kinds: dict[str, Any] = {
            "users": User,
            "apps": App,
            "grants": Grant,
            "refresh_tokens": RefreshRecord,
            "access_tokens": AccessRecord,
            "codes": CodeRecord,
        }
        state = cls()
        for name, klass in kinds.items():
            setattr(state, name, {k: klass(**v) for k, v in raw.get(name, {}).items()})
        state.sessions = dict(raw.get("sessions", {}))
        return state


class Store:
    """All mutable emulator state. Mutations happen under `lock`; `changed` marks it for persistence."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.realms: dict[str, Realm] = {}
        self.auth = AuthState()
        self.listeners: list[ChangeListener] = []
        self._dirty = threading.Event()

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self.lock:
            yield

    def realm(self, realm_id: str) -> Realm | None:
        return self.realms.get(realm_id)

    def add_realm(self, realm: Realm) -> None:
        with self.lock:
            self.realms[realm.realm_id] = realm
            self.mark_dirty()

    def notify(
        self, realm: Realm, entity: str, obj_id: str, operation: str, deleted_id: str | None = None
    ) -> None:
        """Tell listeners (webhooks) about a committed change; also marks the state dirty."""
        self.mark_dirty()
        for listener in list(self.listeners):
            listener(realm, entity, obj_id, operation, deleted_id)

    def mark_dirty(self) -> None:
        self._dirty.set()

    def take_dirty(self) -> bool:
        if self._dirty.is_set():
            self._dirty.clear()
            return True
        return False

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "format": 1,
                "realms": [r.to_json() for r in self.realms.values()],
                "auth": self.auth.to_json(),
            }

    def load_json(self, raw: dict[str, Any]) -> None:
        with self.lock:
            self.realms = {r["realm_id"]: Realm.from_json(r) for r in raw.get("realms", [])}
            self.auth = AuthState.from_json(raw.get("auth", {}))
