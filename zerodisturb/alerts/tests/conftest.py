"""Scenarios for the alert tests: the 事中 world (a contract, a credential, a plan) of testing.visits."""

from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401  (fixture)
from zerodisturb.testing.visits import visit_world_fixture  # noqa: F401  (fixture)
