from zerodisturb.visits.models.records import ScanLog, VisitDocument, VisitFinding
from zerodisturb.visits.models.visits import (
    Visit,
    VisitOfficer,
    VisitParty,
    VisitPlan,
    VisitStaff,
)

__all__ = [
    "ScanLog",
    "Visit",
    "VisitDocument",
    "VisitFinding",
    "VisitOfficer",
    "VisitParty",
    "VisitPlan",
    "VisitStaff",
]
