"""Tags each request with an id (from X-Request-ID or new) that audit events and logs carry."""

import re
import uuid

from zerodisturb.audit.context import current_request_id

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ChineseFirstMiddleware:
    """Chinese unless the user chose otherwise: the browser's Accept-Language is not consulted.

    Officers and enterprises share machines and phones set to any language; the switch in the
    header (a cookie) is the only way to English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django 5.2 has no CSP).

    Pages load scripts, styles and fonts only from this site: htmx and ECharts are static files,
    never a CDN. Inline style attributes stay allowed (htmx adds its indicator style); inline
    scripts do not — data for charts travels in `json_script` blocks, which are not executed."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = settings.CONTENT_SECURITY_POLICY
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if self.permissions:
            response.setdefault("Permissions-Policy", self.permissions)
        return response
