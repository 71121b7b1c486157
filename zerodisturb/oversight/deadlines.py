"""This app's jobs for the deadlines worker (name → callable(now) → number handled).

kpi_rollups recomputes the (county, day) buckets of the KPI rollups that changed since its
watermark; running it twice in a row recomputes nothing the second time.
"""

from zerodisturb.oversight.rollups import refresh

JOBS: dict = {"kpi_rollups": refresh}
