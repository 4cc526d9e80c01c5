from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tanto.accounts.models import Membership


def workspace(request: HttpRequest) -> dict[str, Any]:
    def other_workspaces() -> list[Any]:
        current = getattr(request, "workspace", None)
        memberships = Membership.objects.filter(user=request.user).select_related("workspace")
        return [m.workspace for m in memberships.order_by("workspace__name") if m.workspace != current]

    return {
        "workspace": getattr(request, "workspace", None),
        "membership": getattr(request, "membership", None),
        # Queried only when a page shows the switcher.
        "other_workspaces": SimpleLazyObject(other_workspaces) if request.user.is_authenticated else [],
    }
