"""The actions of this app: rating a visit and the bad-review rectification loop.

Views, the API and the worker call these; each checks who may act, validates, changes state with
a conditional update or a row lock and writes its audit event in the same transaction.
"""

from zerodisturb.evaluations.services.evaluations import (
    EVALUATION_FIELDS,
    amend_evaluation,
    clean_answers,
    submit_evaluation,
)
from zerodisturb.evaluations.services.rectifications import (
    answer_rectification,
    decide_rectification,
    open_rectifications,
    record_callback,
    respond_rectification,
)

__all__ = [
    "EVALUATION_FIELDS",
    "amend_evaluation",
    "answer_rectification",
    "clean_answers",
    "decide_rectification",
    "open_rectifications",
    "record_callback",
    "respond_rectification",
    "submit_evaluation",
]
