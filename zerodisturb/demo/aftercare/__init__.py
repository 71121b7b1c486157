"""Demo 事后强监管: evaluations, the bad-review loop, complaints, warning and exit (see seed.py)."""

from zerodisturb.demo.aftercare.seed import seed_aftercare
from zerodisturb.demo.aftercare.summary import summary_lines

__all__ = ["seed_aftercare", "summary_lines"]
