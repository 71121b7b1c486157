"""The id of the request being served, so audit events can be tied back to it."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
