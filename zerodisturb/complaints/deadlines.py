"""This app's jobs for the deadlines worker (name → callable(now) → number handled)."""

from zerodisturb.complaints.choices import Clock
from zerodisturb.complaints.escalation import escalate_overdue

JOBS: dict = {
    "complaints_ack_overdue": lambda now: escalate_overdue(Clock.ACKNOWLEDGE, now),
    "complaints_reply_overdue": lambda now: escalate_overdue(Clock.REPLY, now),
    "complaints_close_overdue": lambda now: escalate_overdue(Clock.CLOSE, now),
}
