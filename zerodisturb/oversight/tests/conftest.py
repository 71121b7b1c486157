from zerodisturb.oversight.tests.scenario import dash  # noqa: F401
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401
from zerodisturb.testing.visits import visit_world_fixture  # noqa: F401
