"""The demo county, seeded once for this package's tests (seeding takes a while).

It is built inside a transaction held open until the package's last test and then rolled back,
so each test sees it (in its own savepoint) and nothing outside this package ever does: tests
that need an empty database stay out of this package.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def seeded_demo(django_db_setup, django_db_blocker) -> str:
    """seed_demo's output of the first run."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
