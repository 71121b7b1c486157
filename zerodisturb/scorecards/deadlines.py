"""This app's jobs for the deadlines worker (name → callable(now) → number handled)."""

from zerodisturb.scorecards.services import assess_providers

JOBS: dict = {"assess_providers": assess_providers}
