from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Our pages load scripts and styles only from our own origin; nothing inline needs to run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self' http: https:; base-uri 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.user.is_authenticated:
            # Pages behind the login hold customer and ledger data: never cache them.
            response.setdefault("Cache-Control", "no-store")
        return response
