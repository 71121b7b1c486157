"""Two versions of an item side by side, field by field, for the compare page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zerodisturb.commissioning.models import ItemVersion
from zerodisturb.registry.choices import Sector


@dataclass
class FieldChange:
    label: str
    a: str
    b: str

    @property
    def changed(self) -> bool:
        return self.a != self.b


def _display(version: ItemVersion) -> dict[str, tuple[str, str]]:
    sectors = dict(Sector.choices)
    return {
        "domain": (_("委托领域"), version.domain.name),
        "title": (_("事项名称"), version.title),
        "content": (_("服务内容"), version.content),
        "legal_basis": (_("法律依据"), version.legal_basis),
        "why_external": (_("无法自行完成的理由"), version.why_external),
        "target_enterprises": (
            _("目标企业"),
            "、".join(version.target_enterprises.order_by("name").values_list("name", flat=True)),
        ),
        "target_sectors": (
            _("目标行业"),
            "、".join(str(sectors.get(s, s)) for s in version.target_sectors),
        ),
        "target_localities": (
            _("目标属地"),
            "、".join(version.target_localities.order_by("name").values_list("name", flat=True)),
        ),
        "period": (_("服务期"), f"{version.period_start:%Y-%m-%d} — {version.period_end:%Y-%m-%d}"),
        "requested_budget": (_("申请预算（元）"), f"{version.requested_budget:,.2f}"),
    }


def compare_versions(a: ItemVersion, b: ItemVersion) -> list[FieldChange]:
    left, right = _display(a), _display(b)
    return [FieldChange(label, value, right[key][1]) for key, (label, value) in left.items()]
