"""Playwright helpers for browser tests: Debian Chromium, never a downloaded browser.

Import the ``browser`` fixture into a conftest.py (``from zerodisturb.testing.browser import
browser``). Tests that use it also take ``live_server``, which gives them a real HTTP server over
a transactional test database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Repository root (the directory holding manage.py), as BASE_DIR in settings.py.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
TIMEOUT_MS = 15_000

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One headless Debian Chromium per test module; skipped when Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (make system-deps)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    # ORM calls from a thread with a running loop unless told otherwise. Only while we drive it.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()


def new_page(browser, **options):
    """A page in a fresh context (own cookies and session), Chinese browser locale by default."""
    context = browser.new_context(
        locale=options.pop("locale", "zh-CN"), timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def watch_problems(page, ignore: tuple[str, ...] = ("/favicon.ico",)) -> list[str]:
    """Collect console errors, uncaught page errors and HTTP error responses from now on.

    Assert the returned list is empty at the end of a test. /favicon.ico is ignored by default:
    the site has none and Chromium asks for it on every new origin.
    """
    problems: list[str] = []

    def on_console(message):
        where = f"{message.text} {message.location.get('url', '')}"
        if message.type == "error" and not any(part in where for part in ignore):
            problems.append(f"console: {where}")

    def on_response(response):
        if response.status >= 400 and not any(part in response.url for part in ignore):
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", on_response)
    return problems


def screenshot(page, name: str) -> Path:
    """Full-page PNG in test-output/screenshots/<name>.png (name: lowercase words and dashes)."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"screenshot name {name!r}: use lowercase letters, digits and dashes")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing sticks out).

    After a click that navigates, first expect something on the new page: measured mid-navigation
    the document can be empty."""
    return page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
    )


def overlapping(page, selectors: list[str]) -> list[tuple[str, str]]:
    """Pairs of visible elements (first match of each selector) whose boxes intersect."""
    boxes = {}
    for selector in selectors:
        locator = page.locator(selector).first
        if locator.count() and locator.is_visible():
            boxes[selector] = locator.bounding_box()
    pairs = []
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            x, y = boxes[a], boxes[b]
            if (
                x["x"] < y["x"] + y["width"] - 0.5
                and y["x"] < x["x"] + x["width"] - 0.5
                and x["y"] < y["y"] + y["height"] - 0.5
                and y["y"] < x["y"] + x["height"] - 0.5
            ):
                pairs.append((a, b))
    return pairs
