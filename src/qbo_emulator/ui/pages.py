"""Viewer pages: the lists an accountant browses and the document pages QBO deep-links to
(`/app/invoice?txnId=…`, `/app/bill?txnId=…`), with the actions that drive two-way sync:
receive payment, pay bill, void, delete. Actions go through the same handlers as the API, so they obey
the same rules and fire the same webhooks."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import wire
from ..api.base import REGISTRY, Ctx
from ..api.names import merge
from ..api.router import apply_operation
from ..authorize import sign_in_form
from ..faults import QboFault
from ..oauth import SESSION_COOKIE
from ..store import Realm
from .html import esc, hidden, link, page, table

if TYPE_CHECKING:
    from ..app import Emulator

CSRF_COOKIE = "qbo_emulator_csrf"
ZERO = Decimal("0.00")

LISTS: dict[str, tuple[str, str]] = {
    # path: (entity, title)
    "customers": ("Customer", "Customers"),
    "vendors": ("Vendor", "Vendors"),
    "items": ("Item", "Products and services"),
    "chartofaccounts": ("Account", "Chart of accounts"),
    "invoices": ("Invoice", "Invoices"),
    "bills": ("Bill", "Bills"),
    "journals": ("JournalEntry", "Journal entries"),
}
DOC_PAGES = {"invoice": "Invoice", "bill": "Bill", "journal": "JournalEntry", "recvpayment": "Payment",
             "billpayment": "BillPayment", "creditmemo": "CreditMemo"}  # fmt: skip


def _emu(request: Request) -> Emulator:
    emu: Emulator = request.app.state.emu
    return emu


def money(value: Any) -> str:
    try:
        return f"{wire.money(value if value is not None else 0):,.2f}"
    except ValueError:
        return esc(value)


def _realm(request: Request, entity: str | None = None, obj_id: str | None = None) -> Realm | None:
    """?realmId= first, else the signed-in user's first company, else whichever company holds the document."""
    emu = _emu(request)
    realms = emu.store.realms
    realm_id = request.query_params.get("realmId")
    if realm_id:
        return realms.get(realm_id)
    sid = request.cookies.get(SESSION_COOKIE)
    email = emu.store.auth.sessions.get(sid or "")
    owned = [r for r in realms.values() if r.owner_email == email] if email else []
    if entity and obj_id:
        for realm in owned + list(realms.values()):
            if realm.get(entity, obj_id) is not None:
                return realm
    return owned[0] if owned else None


def _csrf(request: Request) -> str:
    """The double-submit token: the cookie's value, or a new one remembered for this request's response."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf", None)
    if token is None:
        token = secrets.token_urlsafe(16)
        request.state.csrf = token
    return str(token)


def _html(request: Request, title: str, body: str, realm: Realm | None = None) -> HTMLResponse:
    nav = ""
    if realm is not None:
        q = f"realmId={realm.realm_id}"
        nav = link(f"/app/company?{q}", realm.name) + "".join(
            link(f"/app/{path}?{q}", label) for path, (_e, label) in LISTS.items()
        )
    nav = link("/app/", "Companies") + nav + link("/app/signin", "Sign in")
    response = HTMLResponse(page(title, body, f"<nav class=tabs>{nav}</nav>"))
    if CSRF_COOKIE not in request.cookies:
        response.set_cookie(CSRF_COOKIE, _csrf(request), httponly=True, samesite="strict", path="/app")
    return response


def _form_html(action: str, csrf: str, fields: dict[str, str], inner: str, button: str, css: str = "") -> str:
    hidden_fields = "".join(hidden(k, v) for k, v in fields.items())
    klass = f' class="{css}"' if css else ""
    return (
        f'<form method="post" action="{esc(action)}" class="inline">{hidden("csrf", csrf)}{hidden_fields}'
        f"{inner}<button type=submit{klass}>{esc(button)}</button></form>"
    )


async def home(request: Request) -> Response:
    emu = _emu(request)
    rows = [
        [
            link(f"/app/company?realmId={r.realm_id}", r.name),
            esc(r.realm_id),
            esc(r.country),
            esc(r.owner_email),
        ]
        for r in emu.store.realms.values()
    ]
    return _html(
        request, "Companies", "<h1>Companies</h1>" + table(["Company", "Realm ID", "Country", "Owner"], rows)
    )


async def company(request: Request) -> Response:
    realm = _realm(request)
    if realm is None:
        return RedirectResponse("/app/", status_code=302)
    info = realm.table("CompanyInfo").get("1", {})
    counts = [
        [link(f"/app/{path}?realmId={realm.realm_id}", label), str(len(realm.table(entity)))]
        for path, (entity, label) in LISTS.items()
    ]
    addr = info.get("CompanyAddr", {})
    body = (
        f"<h1>{esc(realm.name)}</h1><p class=muted>Realm {esc(realm.realm_id)} · Country {esc(realm.country)}"
        f" · {esc(addr.get('Line1'))}, {esc(addr.get('City'))}</p>"
        + table(["List", "Rows"], counts, numeric=[1])
    )
    return _html(request, realm.name, body, realm)


def _name_link(realm: Realm, entity: str, ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    page_name = "customerdetail" if entity == "Customer" else "vendordetail"
    return link(
        f"/app/{page_name}?nameId={ref.get('value')}&realmId={realm.realm_id}", str(ref.get("name", ""))
    )


def _doc_link(realm: Realm, entity: str, row: dict[str, Any]) -> str:
    path = next(p for p, e in DOC_PAGES.items() if e == entity)
    return link(
        f"/app/{path}?txnId={row['Id']}&realmId={realm.realm_id}", str(row.get("DocNumber") or row["Id"])
    )


ROW_RENDERERS: dict[str, tuple[list[str], Callable[[Realm, dict[str, Any]], list[str]], list[int]]] = {
    "Customer": (
        ["Name", "Company", "Email", "Phone", "Balance", "Status"],
        lambda realm, r: [
            _name_link(realm, "Customer", {"value": r["Id"], "name": r.get("DisplayName")}),
            esc(r.get("CompanyName")),
            esc(r.get("PrimaryEmailAddr", {}).get("Address")),
            esc(r.get("PrimaryPhone", {}).get("FreeFormNumber")),
            money(r.get("Balance")),
            "Active" if r.get("Active", True) else "Inactive",
        ],
        [4],
    ),
    "Vendor": (
        ["Name", "Company", "Email", "Phone", "Balance", "Status"],
        lambda realm, r: [
            _name_link(realm, "Vendor", {"value": r["Id"], "name": r.get("DisplayName")}),
            esc(r.get("CompanyName")),
            esc(r.get("PrimaryEmailAddr", {}).get("Address")),
            esc(r.get("PrimaryPhone", {}).get("FreeFormNumber")),
            money(r.get("Balance")),
            "Active" if r.get("Active", True) else "Inactive",
        ],
        [4],
    ),
    "Item": (
        ["Name", "SKU", "Type", "Price", "Cost", "Qty on hand"],
        lambda realm, r: [
            esc(r.get("Name")),
            esc(r.get("Sku")),
            esc(r.get("Type")),
            esc(r.get("UnitPrice")),
            esc(r.get("PurchaseCost")),
            esc(r.get("QtyOnHand", "")),
        ],
        [3, 4, 5],
    ),
    "Account": (
        ["Name", "Type", "Detail type", "Balance"],
        lambda realm, r: [
            esc(r.get("FullyQualifiedName")),
            esc(r.get("AccountType")),
            esc(r.get("AccountSubType")),
            money(r.get("CurrentBalance")),
        ],
        [3],
    ),
    "Invoice": (
        ["No.", "Date", "Customer", "Due", "Total", "Balance"],
        lambda realm, r: [
            _doc_link(realm, "Invoice", r),
            esc(r.get("TxnDate")),
            _name_link(realm, "Customer", r.get("CustomerRef")),
            esc(r.get("DueDate")),
            money(r.get("TotalAmt")),
            money(r.get("Balance")),
        ],
        [4, 5],
    ),
    "Bill": (
        ["No.", "Date", "Vendor", "Due", "Total", "Balance"],
        lambda realm, r: [
            _doc_link(realm, "Bill", r),
            esc(r.get("TxnDate")),
            _name_link(realm, "Vendor", r.get("VendorRef")),
            esc(r.get("DueDate")),
            money(r.get("TotalAmt")),
            money(r.get("Balance")),
        ],
        [4, 5],
    ),
    "JournalEntry": (
        ["No.", "Date", "Memo", "Total"],
        lambda realm, r: [
            _doc_link(realm, "JournalEntry", r),
            esc(r.get("TxnDate")),
            esc(r.get("PrivateNote")),
            money(r.get("TotalAmt")),
        ],
        [3],
    ),
}


def _list_page(path: str) -> Callable[[Request], Any]:
    entity, title = LISTS[path]

    async def handler(request: Request) -> Response:
        realm = _realm(request)
        if realm is None:
            return RedirectResponse("/app/", status_code=302)
        headers, render, numeric = ROW_RENDERERS[entity]
        key_name, key = REGISTRY[entity].default_order()
        rows = list(realm.sorted_rows(entity, key_name, key))
        if entity in ("Invoice", "Bill", "JournalEntry"):
            rows.reverse()
        show_all = request.query_params.get("all") == "1"
        shown = rows if show_all else rows[:500]
        more = (
            ""
            if show_all or len(rows) <= 500
            else (f"<p>{link(f'/app/{path}?realmId={realm.realm_id}&all=1', f'Show all {len(rows)}')}</p>")
        )
        body = f"<h1>{esc(title)}</h1>" + table(headers, [render(realm, r) for r in shown], numeric) + more
        return _html(request, title, body, realm)

    return handler


def _lines_table(doc: dict[str, Any]) -> str:
    rows = []
    for line in doc.get("Line", []):
        kind = line.get("DetailType", "")
        detail = line.get(kind, {}) if isinstance(line.get(kind), dict) else {}
        what = (
            detail.get("ItemRef", {}).get("name")
            or detail.get("AccountRef", {}).get("name")
            or ("Subtotal" if kind == "SubTotalLineDetail" else kind)
        )
        if kind == "JournalEntryLineDetail":
            what = f"{detail.get('PostingType', '')}: {what}"
        rows.append(
            [
                esc(line.get("LineNum", "")),
                esc(what),
                esc(line.get("Description", "")),
                esc(detail.get("Qty", "")),
                esc(detail.get("UnitPrice", "")),
                esc(detail.get("TaxCodeRef", {}).get("value", "")),
                money(line.get("Amount")),
            ]
        )
    return table(
        ["#", "Product/account", "Description", "Qty", "Rate", "Tax", "Amount"], rows, numeric=[3, 4, 6]
    )


def _doc_page(entity: str) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        txn_id = request.query_params.get("txnId", "")
        realm = _realm(request, entity, txn_id)
        doc = realm.get(entity, txn_id) if realm else None
        if realm is None or doc is None:
            return _html(request, "Not found", f"<h1>{esc(entity)} {esc(txn_id)} not found</h1>", realm)
        csrf = _csrf(request)
        party = "Customer" if "CustomerRef" in doc else "Vendor"
        ref = doc.get("CustomerRef") or doc.get("VendorRef")
        tax = doc.get("TxnTaxDetail", {})
        summary = [
            ["Number", esc(doc.get("DocNumber", doc["Id"]))],
            ["Date", esc(doc.get("TxnDate"))],
            [party, _name_link(realm, party, ref) if ref else ""],
            ["Due date", esc(doc.get("DueDate", ""))],
            ["Tax", money(tax.get("TotalTax", 0))],
            ["Total", money(doc.get("TotalAmt"))],
            ["Balance", money(doc.get("Balance", ""))],
            ["Currency", esc(doc.get("CurrencyRef", {}).get("value", ""))],
            ["Memo", esc(doc.get("PrivateNote", ""))],
            ["SyncToken", esc(doc.get("SyncToken"))],
        ]
        links = ", ".join(
            link(
                f"/app/{'recvpayment' if lk['TxnType'] == 'Payment' else 'billpayment'}?txnId={lk['TxnId']}"
                f"&realmId={realm.realm_id}",
                f"{lk['TxnType']} {lk['TxnId']}",
            )
            for lk in doc.get("LinkedTxn", [])
            if lk.get("TxnType") in ("Payment", "BillPaymentCheck", "BillPaymentCreditCard")
        )
        actions = _actions(realm, entity, doc, csrf)
        error = request.query_params.get("error")
        notice = f"<p class=error role=alert>{esc(error)}</p>" if error else ""
        body = (
            f"<h1>{esc(entity)} {esc(doc.get('DocNumber', doc['Id']))}</h1>{notice}"
            + table(["Field", "Value"], summary)
            + (f"<p>Linked: {links}</p>" if links else "")
            + "<h2>Lines</h2>"
            + _lines_table(doc)
            + f"<h2>Actions</h2>{actions}"
        )
        return _html(request, f"{entity} {doc.get('DocNumber', doc['Id'])}", body, realm)

    return handler


def _actions(realm: Realm, entity: str, doc: dict[str, Any], csrf: str) -> str:
    base = {"realmId": realm.realm_id, "txnId": doc["Id"]}
    parts: list[str] = []
    balance = doc.get("Balance", ZERO)
    today = doc.get("TxnDate", "")
    if entity == "Invoice" and balance and balance > 0:
        inner = (
            f'<label for="amount">Amount</label><input type="number" step="0.01" id="amount" name="amount" '
            f'value="{esc(f"{balance:.2f}")}"><label for="txn_date">Payment date</label>'
            f'<input type="date" id="txn_date" name="txn_date" value="{esc(today)}"> '
        )
        parts.append(_form_html("/app/invoice/receive-payment", csrf, base, inner, "Receive payment"))
    if entity == "Bill" and balance and balance > 0:
        banks = [
            a for a in realm.table("Account").values() if a.get("AccountType") == "Bank" and a.get("Active")
        ]
        options = "".join(f'<option value="{esc(a["Id"])}">{esc(a["Name"])}</option>' for a in banks)
        inner = (
            f'<label for="amount">Amount</label><input type="number" step="0.01" id="amount" name="amount" '
            f'value="{esc(f"{balance:.2f}")}"><label for="bank">Payment account</label>'
            f'<select id="bank" name="bank">{options}</select> '
        )
        parts.append(_form_html("/app/bill/pay", csrf, base, inner, "Pay bill"))
    if REGISTRY[entity].voidable and doc.get("PrivateNote") != "Voided":
        parts.append(_form_html(f"/app/{_doc_path(entity)}/void", csrf, base, "", "Void", "secondary"))
    if REGISTRY[entity].deletable:
        parts.append(_form_html(f"/app/{_doc_path(entity)}/delete", csrf, base, "", "Delete", "secondary"))
    return "<p>" + " ".join(parts) + "</p>"


def _doc_path(entity: str) -> str:
    return next(p for p, e in DOC_PAGES.items() if e == entity)


async def _action_form(request: Request) -> dict[str, str] | None:
    raw = (await request.body()).decode("utf-8", "replace")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not secrets.compare_digest(cookie, form.get("csrf", "")):
        return None
    return form


def _action(entity: str, kind: str) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        emu = _emu(request)
        form = await _action_form(request)
        if form is None:
            return HTMLResponse(
                page("Forbidden", "<h1>Forbidden</h1><p>Missing or wrong CSRF token.</p>"), 403
            )
        realm = emu.store.realm(form.get("realmId", ""))
        doc = realm.get(entity, form.get("txnId", "")) if realm else None
        if realm is None or doc is None:
            return HTMLResponse(page("Not found", "<h1>Not found</h1>"), 404)
        ctx = Ctx(emu.store, realm, emu.clock, emu.config)
        target = f"/app/{_doc_path(entity)}?" + urlencode({"txnId": doc["Id"], "realmId": realm.realm_id})
        try:
            with emu.store.lock:
                _perform(ctx, entity, kind, doc, form)
        except QboFault as exc:
            message = f"{exc.errors[0].message}: {exc.errors[0].detail}" if exc.errors else "Error"
            return RedirectResponse(target + "&" + urlencode({"error": message}), status_code=303)
        if kind == "delete":
            target = (
                f"/app/{'invoices' if entity == 'Invoice' else 'bills' if entity == 'Bill' else 'journals'}"
            )
            target += f"?realmId={realm.realm_id}"
        return RedirectResponse(target, status_code=303)

    return handler


def _amount(form: dict[str, str]) -> Decimal:
    try:
        return wire.money(Decimal(form.get("amount", "0")))
    except (InvalidOperation, ValueError):
        return ZERO


def _perform(ctx: Ctx, entity: str, kind: str, doc: dict[str, Any], form: dict[str, str]) -> None:
    stub = {"Id": doc["Id"], "SyncToken": doc["SyncToken"]}
    if kind == "void":
        apply_operation(
            ctx,
            REGISTRY[entity],
            "void" if entity == "Invoice" else "update",
            "void",
            dict(stub, sparse=True),
        )
    elif kind == "delete":
        apply_operation(ctx, REGISTRY[entity], "delete", "", stub)
    elif kind == "receive-payment":
        amount = _amount(form)
        body = {
            "CustomerRef": {"value": doc["CustomerRef"]["value"]},
            "TotalAmt": amount,
            "TxnDate": form.get("txn_date") or ctx.today(),
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": doc["Id"], "TxnType": "Invoice"}]}],
        }
        if doc.get("CurrencyRef"):
            body["CurrencyRef"] = doc["CurrencyRef"]
        apply_operation(ctx, REGISTRY["Payment"], "", "", body)
    elif kind == "pay":
        amount = _amount(form)
        body = {
            "VendorRef": {"value": doc["VendorRef"]["value"]},
            "PayType": "Check",
            "TotalAmt": amount,
            "CheckPayment": {"BankAccountRef": {"value": form.get("bank", "")}},
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": doc["Id"], "TxnType": "Bill"}]}],
        }
        apply_operation(ctx, REGISTRY["BillPayment"], "", "", body)


def _party_page(entity: str) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        name_id = request.query_params.get("nameId", "")
        realm = _realm(request, entity, name_id)
        row = realm.get(entity, name_id) if realm else None
        if realm is None or row is None:
            return _html(request, "Not found", f"<h1>{esc(entity)} {esc(name_id)} not found</h1>", realm)
        addr = row.get("BillAddr", {})
        facts = [
            ["Display name", esc(row.get("DisplayName"))],
            ["Company", esc(row.get("CompanyName"))],
            ["Email", esc(row.get("PrimaryEmailAddr", {}).get("Address"))],
            ["Phone", esc(row.get("PrimaryPhone", {}).get("FreeFormNumber"))],
            [
                "Address",
                esc(", ".join(str(addr.get(k)) for k in ("Line1", "City", "PostalCode") if addr.get(k))),
            ],
            ["Balance", money(row.get("Balance"))],
            ["Active", esc(row.get("Active"))],
        ]
        others = sorted(
            (
                r
                for r in realm.table(entity).values()
                if r["Id"] != name_id and r.get("Active", True) is not False
            ),
            key=lambda r: str(r.get("DisplayName", "")).casefold(),
        )[:300]
        options = "".join(
            f'<option value="{esc(r["Id"])}">{esc(r.get("DisplayName"))}</option>' for r in others
        )
        merge_form = _form_html(
            f"/app/{'customerdetail' if entity == 'Customer' else 'vendordetail'}/merge",
            _csrf(request),
            {"realmId": realm.realm_id, "nameId": name_id},
            f'<label for="target">Merge into</label><select id="target" name="target">{options}</select> ',
            "Merge",
            "secondary",
        )
        doc_entity, ref_key = ("Invoice", "CustomerRef") if entity == "Customer" else ("Bill", "VendorRef")
        docs = [d for d in realm.table(doc_entity).values() if d.get(ref_key, {}).get("value") == name_id]
        headers, render, numeric = ROW_RENDERERS[doc_entity]
        body = (
            f"<h1>{esc(row.get('DisplayName'))}</h1>"
            + table(["Field", "Value"], facts)
            + f"<h2>{esc(doc_entity)}s</h2>"
            + table(headers, [render(realm, d) for d in docs], numeric)
            + f"<h2>Actions</h2><p>{merge_form}</p>"
        )
        return _html(request, str(row.get("DisplayName")), body, realm)

    return handler


def _merge_action(entity: str) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        emu = _emu(request)
        form = await _action_form(request)
        if form is None:
            return HTMLResponse(
                page("Forbidden", "<h1>Forbidden</h1><p>Missing or wrong CSRF token.</p>"), 403
            )
        realm = emu.store.realm(form.get("realmId", ""))
        if realm is None:
            return HTMLResponse(page("Not found", "<h1>Not found</h1>"), 404)
        ctx = Ctx(emu.store, realm, emu.clock, emu.config)
        path = "customerdetail" if entity == "Customer" else "vendordetail"
        try:
            with emu.store.lock:
                merge(ctx, entity, form.get("nameId", ""), form.get("target", ""))
        except QboFault as exc:
            message = exc.errors[0].detail if exc.errors else "Error"
            return HTMLResponse(
                page("Merge failed", f"<h1>Merge failed</h1><p class=error>{esc(message)}</p>"), 400
            )
        target = f"/app/{path}?" + urlencode({"nameId": form.get("target", ""), "realmId": realm.realm_id})
        return RedirectResponse(target, status_code=303)

    return handler


async def sign_in_page(request: Request) -> Response:
    """Signing in to the viewer picks "your" company for pages opened without ?realmId=."""
    emu = _emu(request)
    if request.method == "GET":
        return _html(request, "Sign in", sign_in_form("", action="/app/signin"))
    raw = (await request.body()).decode("utf-8", "replace")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    email = form.get("email", "").strip().lower()
    user = emu.store.auth.users.get(email)
    if user is None or not secrets.compare_digest(user.password, form.get("password", "")):
        body = sign_in_form("", "Invalid email or password.", email, action="/app/signin")
        refused = _html(request, "Sign in", body)
        refused.status_code = 401
        return refused
    sid = secrets.token_urlsafe(24)
    with emu.store.lock:
        emu.store.auth.sessions[sid] = email
    response = RedirectResponse("/app/", status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", path="/")
    return response


def routes() -> list[Route]:
    out = [Route("/app/", home), Route("/app", home), Route("/app/company", company)]
    out.append(Route("/app/signin", sign_in_page, methods=["GET", "POST"]))
    out += [Route(f"/app/{path}", _list_page(path)) for path in LISTS]
    out += [Route(f"/app/{path}", _doc_page(entity)) for path, entity in DOC_PAGES.items()]
    out += [
        Route("/app/customerdetail", _party_page("Customer")),
        Route("/app/vendordetail", _party_page("Vendor")),
        Route("/app/invoice/receive-payment", _action("Invoice", "receive-payment"), methods=["POST"]),
        Route("/app/bill/pay", _action("Bill", "pay"), methods=["POST"]),
        Route("/app/customerdetail/merge", _merge_action("Customer"), methods=["POST"]),
        Route("/app/vendordetail/merge", _merge_action("Vendor"), methods=["POST"]),
    ]
    for path, entity in DOC_PAGES.items():
        out.append(Route(f"/app/{path}/void", _action(entity, "void"), methods=["POST"]))
        out.append(Route(f"/app/{path}/delete", _action(entity, "delete"), methods=["POST"]))
    return out
