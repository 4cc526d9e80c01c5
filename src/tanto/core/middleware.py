from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

# Our pages load scripts and styles only from our own origin; nothing inline needs to run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self' http: https:; base-uri 'self'"
)
# Intuit's review asks for both no-cache and no-store; no-store alone is reported as a finding.
NEVER_CACHE = "no-cache, no-store, must-revalidate, private"
# TRACE echoes the request (cookies included) back; TRACK is IIS's alias. No view of ours answers them.
REFUSED_METHODS = {"TRACE", "TRACK"}
ALLOWED_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in REFUSED_METHODS:
            refused = HttpResponseNotAllowed(ALLOWED_METHODS)
            refused["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            return refused
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.user.is_authenticated:
            # Pages behind the login hold customer and ledger data: never cache them.
            response.setdefault("Cache-Control", NEVER_CACHE)
        return response
