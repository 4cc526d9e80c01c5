"""The Integrations tab of Settings: one card per registered accounting provider."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from tanto.accounts.access import WorkspaceRequest, workspace_view
from tanto.integrations.base import providers
from tanto.settings_ui.views import render_tab


@never_cache
@workspace_view()
def integrations_tab(request: WorkspaceRequest) -> HttpResponse:
    cards = [{"template": p.card_template, **p.card_context(request, request.workspace)} for p in providers()]
    return render_tab(request, "integrations", "integrations/tab.html", {"cards": cards})
