"""The JSON API at /api/v1/: token (or session) auth, one error format, paginated lists."""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import APIKeyCookie, HttpBearer

from zerodisturb.accounts.services import user_for_token

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    openapi_description = "个人 API 令牌：Authorization: Bearer zd_…"

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's login session (CSRF-checked for writes)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


# Answers any operation may give through the handlers below, documented once for all operations:
# 401 only where a login is needed; 400 for a malformed body (ninja's own parser error).
COMMON_ERRORS = {
    400: "请求格式有误（如 JSON 无法解析）。",
    403: "无权执行此操作。",
    404: "记录不存在或无权查看。",
    409: "与记录的当前状态冲突。",
    413: "上传的内容过大。",
    422: "输入有误：fields 按字段列出原因。",
    429: "请求过于频繁，请稍后再试。",
}


class ZeroDisturbAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error.pop("$defs", {}))
        components["ErrorOut"] = error
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                errors = dict(COMMON_ERRORS)
                if operation.get("security"):
                    errors[401] = "需要登录或有效的 API 令牌。"
                responses = operation.setdefault("responses", {})
                for status, text in sorted(errors.items()):
                    responses.setdefault(status, {"description": text, "content": body})
        return schema


api = ZeroDisturbAPI(
    title="零扰企 API",
    version="1",
    description="第三方辅助服务全生命周期监管平台 JSON API。错误统一为 "
    '{"error": {"code", "message", "fields"}}。',
    auth=[TokenAuth(), SessionAuth()],
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


def error_response(request, status: int, code: str, message: str, fields=None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "_", []).append(item.get("msg", "无效"))
    return error_response(request, 422, "invalid", "输入有误，请检查标出的字段。", fields)


@api.exception_handler(DjangoValidationError)
def _rule_broken(request, exc: DjangoValidationError):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"_": exc.messages}
    first = next(iter(fields.values()))[0]
    return error_response(request, 422, "invalid", first, fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, 401, "unauthenticated", "需要登录或有效的 API 令牌。")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, 403, "forbidden", str(exc) or "无权执行此操作。")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", "记录不存在或无权查看。")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
    }
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(OverflowError)
def _number_too_large(request, exc):
    # A number in the path or query larger than the database's integers: not a record, not a 500.
    return error_response(request, 422, "invalid", "编号或数值超出范围。")


@api.exception_handler(DataError)
def _unstorable_input(request, exc):
    # What the database refuses to store or compare: a NUL character in text (PostgreSQL), a
    # number out of a column's range. Input the client can correct, not a server error.
    log.warning("API input refused by the database: %s", exc)
    return error_response(request, 422, "invalid", "输入包含无法处理的字符或超出范围的数值。")


@api.exception_handler(Exception)
def _internal(request, exc):
    log.exception("API error")
    return error_response(request, 500, "internal", "服务器内部错误，已记录，请稍后再试。")


def direct_get(view):
    """`view`, one GET operation of the API, as a plain Django view for urls.py to route ahead of
    the API: the same function and, through the API's exception handlers, the same error answers,
    without ninja's dispatch (~0.1 ms a request: a second URL resolution, a response object made
    and thrown away, the path parameters through pydantic). Only for a hot public operation whose
    view takes string path parameters and returns its own HttpResponse; ninja still documents it
    in the OpenAPI schema."""

    @csrf_exempt  # as every ninja view: nothing here but GET, and no session is changed
    @wraps(view)
    def direct(request, **kwargs):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"], content=b"Method not allowed")
        try:
            return view(request, **kwargs)
        except Exception as exc:  # noqa: BLE001 (the API's handlers answer it, 500 included)
            return api.on_exception(request, exc)

    return direct


class Page(PaginationBase):
    """`?page=1&page_size=50`; the answer carries the total count."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(50, ge=1, le=500)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }


class Mapped:
    """A queryset whose rows `Page` serialises with `fn` — only the rows of the page asked for
    (a list comprehension over the queryset would serialise every row before slicing)."""

    def __init__(self, queryset, fn):
        self.queryset, self.fn = queryset, fn

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.fn(row) for row in self.queryset[index]]
        return self.fn(self.queryset[index])

    def __len__(self) -> int:
        return self.queryset.count()


def _register_routers() -> None:
    from zerodisturb.accounts.api import router as accounts_router
    from zerodisturb.alerts.api import router as alerts_router
    from zerodisturb.audit.api import router as audit_router
    from zerodisturb.commissioning.api import router as commissioning_router
    from zerodisturb.complaints.api import router as complaints_router
    from zerodisturb.contracts.api import router as contracts_router
    from zerodisturb.credentials.api import router as credentials_router
    from zerodisturb.credentials.public_api import router as public_credentials_router
    from zerodisturb.evaluations.api import router as evaluations_router
    from zerodisturb.notifications.api import router as notifications_router
    from zerodisturb.oversight.api import router as oversight_router
    from zerodisturb.problems.api import router as problems_router
    from zerodisturb.public.api import router as public_router
    from zerodisturb.registry.api import router as registry_router
    from zerodisturb.scorecards.api import router as scorecards_router
    from zerodisturb.surveys.api import router as surveys_router
    from zerodisturb.visits.api import router as visits_router
    from zerodisturb.visits.public_api import router as public_scan_router
    from zerodisturb.workdays.api import router as calendar_router

    # First: Django tries the API's routes in order, and the gate's scan is the busiest of them.
    api.add_router("/v1/public/scan/", public_scan_router)
    api.add_router("/v1/", accounts_router)
    api.add_router("/v1/registry/", registry_router)
    api.add_router("/v1/audit/", audit_router)
    api.add_router("/v1/calendar/", calendar_router)
    api.add_router("/v1/commissioning/", commissioning_router)
    api.add_router("/v1/contracts", contracts_router)
    api.add_router("/v1/notifications", notifications_router)
    api.add_router("/v1/public/", public_router)
    api.add_router("/v1/credentials", credentials_router)
    api.add_router("/v1/public/credentials/", public_credentials_router)
    api.add_router("/v1/visits", visits_router)
    api.add_router("/v1/evaluations", evaluations_router)
    api.add_router("/v1/complaints", complaints_router)
    api.add_router("/v1/problems", problems_router)
    api.add_router("/v1/scorecards", scorecards_router)
    api.add_router("/v1/alerts", alerts_router)
    api.add_router("/v1/surveys", surveys_router)
    api.add_router("/v1/oversight", oversight_router)

    api.add_router("/", _unknown_endpoint_router())  # last: only what no other route matched


def _unknown_endpoint_router():
    """A JSON 404 for any other path under /api/ (such as /v1/visits/-1, which the int path
    converters do not match), instead of Django's HTML page."""
    from ninja import Router

    router = Router(auth=None)

    @router.api_operation(
        ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
    )
    def unknown_endpoint(request, rest: str):
        raise Http404

    return router


_register_routers()
