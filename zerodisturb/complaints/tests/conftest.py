from zerodisturb.complaints.tests.world import (  # noqa: F401  (fixtures)
    complaint_world_fixture,
    panel_fixture,
    visit_world_fixture,
)
