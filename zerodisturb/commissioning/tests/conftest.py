"""The five-seat review panel for the commissioning tests (defined in zerodisturb.testing)."""

from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401  (a pytest fixture)
