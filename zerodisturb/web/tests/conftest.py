"""Fixtures for the web app's tests; the browser fixture lives in zerodisturb.testing.browser."""

from zerodisturb.testing.browser import browser  # noqa: F401  (pytest fixture)
