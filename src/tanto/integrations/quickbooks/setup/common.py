"""What every setup step shares: rendering inside the wizard frame and moving on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tanto.integrations.base import SetupPipeline, SetupStep
from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.errors import NeedsReconnect, QuickBooksError
from tanto.integrations.quickbooks.models import QuickBooksConnection
from tanto.settings_ui.views import render_tab

Row = dict[str, Any]


def step_url(conn: QuickBooksConnection, key: str) -> str:
    return reverse("quickbooks:setup_step", kwargs={"ws": conn.workspace_id, "step": key})


def tab_url(conn: QuickBooksConnection) -> str:
    return reverse("integrations", kwargs={"ws": conn.workspace_id})


def render_step(
    request: HttpRequest,
    conn: QuickBooksConnection,
    pipeline: SetupPipeline,
    step: SetupStep,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    steps = [
        {
            "step": s,
            "url": step_url(conn, s.key),
            "current": s.key == step.key,
            "complete": s.is_complete(conn),
        }
        for s in pipeline.steps_for(conn)
    ]
    return render_tab(
        request,
        "integrations",
        template,
        {
            "connection": conn,
            "step": step,
            "steps": steps,
            "position": pipeline.position(conn, step.key),
            **context,
        },
    )


def advance(conn: QuickBooksConnection, pipeline: SetupPipeline, step: SetupStep) -> HttpResponse:
    following = pipeline.after(conn, step.key)
    return redirect(step_url(conn, following.key) if following else tab_url(conn))


def read_from_quickbooks(
    request: HttpRequest, conn: QuickBooksConnection, entities: tuple[str, ...]
) -> dict[str, list[Row]] | HttpResponse:
    """Reads short lists live from the company; on failure, a response that tells the user why."""
    try:
        with QuickBooksClient(conn) as client:
            return {entity: client.all(entity) for entity in entities}
    except NeedsReconnect:
        messages.error(
            request, "The QuickBooks connection needs to be reconnected before setup can continue."
        )
        return redirect(tab_url(conn))
    except QuickBooksError as exc:
        messages.error(
            request, f"QuickBooks could not be read just now: {exc.message} Try again in a moment."
        )
        return redirect(tab_url(conn))
