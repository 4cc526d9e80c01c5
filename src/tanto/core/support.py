"""The Help and support page: how to reach the people who run this installation (Intuit asks for an
in-app support contact), and what to tell them so they can find the problem quickly."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def is_web_address(url: str) -> bool:
    # Without a scheme a browser resolves the link against Tanto's own address, so it would lead nowhere.
    return url.startswith(("https://", "http://"))


# Public: someone who cannot sign in needs support most.
@login_not_required
@require_GET
def support(request: HttpRequest) -> HttpResponse:
    url = settings.SUPPORT_URL
    return render(
        request,
        "support.html",
        # A URL that is not a web address is left out (the deploy check names it) rather than shown broken.
        {"support_email": settings.SUPPORT_EMAIL, "support_url": url if is_web_address(url) else ""},
    )
