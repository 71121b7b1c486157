"""Rate limits of the public complaint endpoints (pages and API share them)."""

from django.conf import settings

FILE_WINDOW = 600  # seconds


def file_limit() -> int:
    """Complaints one client address may file per FILE_WINDOW."""
    return getattr(settings, "RATE_LIMIT_COMPLAINT", 5)


def check_limit() -> int:
    """Status look-ups (number + phone) one client address may make per minute."""
    return getattr(settings, "RATE_LIMIT_VERIFY", 60)
