"""Who may see what: the single place where workspace membership and roles are checked.

Every workspace URL carries the workspace id; a user who is not a member gets a 404, exactly as if the
workspace did not exist, so ids from other tenants reveal nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from tanto.accounts.models import Membership, Workspace

View = Callable[..., HttpResponse]


class WorkspaceRequest(HttpRequest):
    workspace: Workspace
    membership: Membership


def membership_for(request: HttpRequest, workspace_id: int) -> Membership:
    if not request.user.is_authenticated:
        raise Http404
    try:
        return Membership.objects.select_related("workspace").get(
            user=request.user, workspace_id=workspace_id
        )
    except Membership.DoesNotExist:
        raise Http404 from None


def workspace_view(*, admin_only: bool = False) -> Callable[[View], View]:
    """Decorates a view taking `ws` (the workspace id) from the URL; sets request.workspace and
    request.membership. Admin-only views answer 403 to members (they can see the workspace exists)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, ws: int, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = membership_for(request, ws)
            if admin_only and not membership.is_admin:
                raise PermissionDenied("Only workspace admins can do this.")
            request.membership = membership
            request.workspace = membership.workspace
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def require_admin(request: WorkspaceRequest) -> None:
    if not request.membership.is_admin:
        raise PermissionDenied("Only workspace admins can do this.")


def get_for_workspace[M: models.Model](request: WorkspaceRequest, model: type[M], **lookup: Any) -> M:
    """Fetch one object of the request's workspace, or 404."""
    return get_object_or_404(model, workspace=request.workspace, **lookup)
