"""This app's jobs for the deadlines worker (name → callable(now) → number of alerts opened)."""

from functools import partial

from zerodisturb.alerts.detection import FINDERS
from zerodisturb.alerts.services import detect_alerts

JOBS: dict = {f"alerts_{kind}": partial(detect_alerts, kind) for kind in FINDERS}
