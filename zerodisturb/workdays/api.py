from datetime import date

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from zerodisturb.workdays.services import add_working_days

router = Router(tags=["工作日"])


class DeadlineOut(Schema):
    start: date
    working_days: int
    deadline: date
    estimated: bool = Field(description="期限跨入尚未公布节假日安排的年份，只按周末估算")


@router.get("/add-working-days", response=DeadlineOut, summary="按工作日推算期限")
def deadline(request, start: date, days: int = Query(..., ge=-400, le=400)):
    if not 1950 <= start.year <= 2150:
        raise ValidationError({"start": ["起始日期应在 1950 至 2150 年之间"]})
    result = add_working_days(start, days)
    return {
        "start": start,
        "working_days": days,
        "deadline": result.date,
        "estimated": result.estimated,
    }
