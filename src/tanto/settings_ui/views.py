"""Settings: General (the workspace itself) and Tax rates; admins change them, members may look."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tanto.accounts.access import WorkspaceRequest, get_for_workspace, require_admin, workspace_view
from tanto.catalog.forms import TaxRateForm
from tanto.catalog.models import TaxRate
from tanto.settings_ui.forms import WorkspaceForm
from tanto.settings_ui.tabs import tabs


def render_tab(
    request: WorkspaceRequest, active: str, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, template, {"tabs": tabs(), "active_tab": active, **context})


@workspace_view()
def general(request: WorkspaceRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None, instance=request.workspace)
    if request.method == "POST":
        require_admin(request)
        if form.is_valid():
            form.save()
            messages.success(request, "Workspace settings saved.")
            return redirect("settings:general", ws=request.workspace.pk)
    return render_tab(request, "general", "settings_ui/general.html", {"form": form})


@workspace_view()
def tax_rates(request: WorkspaceRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    rates = TaxRate.objects.filter(workspace=request.workspace, archived=show_archived)
    return render_tab(
        request, "tax_rates", "settings_ui/tax_rates.html", {"rates": rates, "show_archived": show_archived}
    )


def save_tax_rate(form: TaxRateForm, workspace_id: int) -> TaxRate:
    """Saves a rate; a rate marked default takes the default flag from the others."""
    with transaction.atomic():
        rate = form.save(commit=False)
        rate.workspace_id = workspace_id
        rate.save()
        others = TaxRate.objects.filter(workspace_id=workspace_id).exclude(pk=rate.pk)
        if rate.is_default_sales:
            others.update(is_default_sales=False)
        if rate.is_default_purchases:
            others.update(is_default_purchases=False)
    return rate


@workspace_view()
def tax_rate_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    rate = get_for_workspace(request, TaxRate, pk=pk) if pk else None
    form = TaxRateForm(request.POST or None, instance=rate)
    if request.method == "POST":
        require_admin(request)
        if form.is_valid():
            saved = save_tax_rate(form, request.workspace.pk)
            messages.success(request, f"Tax rate {saved} saved.")
            return redirect("settings:tax_rates", ws=request.workspace.pk)
    return render_tab(request, "tax_rates", "settings_ui/tax_rate_form.html", {"form": form, "rate": rate})


@require_POST
@workspace_view(admin_only=True)
def tax_rate_archive(request: WorkspaceRequest, pk: int) -> HttpResponse:
    rate = get_for_workspace(request, TaxRate, pk=pk)
    rate.archived = not rate.archived
    if rate.archived:
        rate.is_default_sales = rate.is_default_purchases = False
    rate.save()
    messages.success(request, f"Tax rate {rate} {'archived' if rate.archived else 'restored'}.")
    return redirect("settings:tax_rates", ws=request.workspace.pk)
