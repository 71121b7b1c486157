"""This app's jobs for the deadlines worker (name → callable(now) → number handled)."""

JOBS: dict = {}
