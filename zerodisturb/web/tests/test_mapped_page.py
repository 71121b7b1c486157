"""Page over Mapped serialises only the rows of the page asked for, and counts them all."""

import pytest

from zerodisturb.api import Mapped, Page
from zerodisturb.registry.models import Division


@pytest.mark.django_db
def test_only_the_page_is_serialised(county):
    seen = []

    def out(division):
        seen.append(division.pk)
        return {"code": division.code}

    qs = Division.objects.order_by("pk")
    page = Page().paginate_queryset(Mapped(qs, out), Page.Input(page=2, page_size=1), request=None)
    assert page["count"] == qs.count() >= 3
    assert page["items"] == [{"code": qs[1].code}]
    assert seen == [qs[1].pk]
