"""Viewer pages (filled in below)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .html import esc, link, page, table


async def home(request: Request) -> Response:
    emu = request.app.state.emu
    rows = [
        [
            link(f"/app/company?realmId={r.realm_id}", r.name),
            esc(r.realm_id),
            esc(r.country),
            esc(r.owner_email),
        ]
        for r in emu.store.realms.values()
    ]
    return HTMLResponse(
        page("Companies", "<h1>Companies</h1>" + table(["Company", "Realm", "Country", "Owner"], rows))
    )


def routes() -> list[Route]:
    return [Route("/app/", home), Route("/app", home)]
