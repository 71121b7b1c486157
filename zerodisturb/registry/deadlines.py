"""This app's jobs for the deadlines worker: imports whose worker died are run again, once."""

from zerodisturb.registry.jobs import resume_stale_imports

JOBS: dict = {"stale_imports": resume_stale_imports}
