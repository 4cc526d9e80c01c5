from typing import Any

from django.http import HttpRequest

from tanto.integrations.base import providers


def connection_banner(request: HttpRequest) -> dict[str, Any]:
    """Connection problems for the banner on every screen; only admins can fix them, so only they see it."""
    workspace = getattr(request, "workspace", None)
    membership = getattr(request, "membership", None)
    if workspace is None or membership is None or not membership.is_admin:
        return {}
    banners = [(p, b) for p in providers() if (b := p.banner_context(workspace)) is not None]
    return {"integration_banners": [{"provider": p, **b} for p, b in banners]}
