"""The 事前/事中 fixtures the scorecard tests build on (panel, visit_world)."""

from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401
from zerodisturb.testing.visits import visit_world_fixture  # noqa: F401
