"""The negative list check: third parties may consult and alert, never enforce."""

from __future__ import annotations

from dataclasses import dataclass

from zerodisturb.commissioning.models import NegativeRule


@dataclass(frozen=True)
class NegativeHit:
    rule: NegativeRule
    keyword: str

    def message(self) -> str:
        return (
            f"含“{self.keyword}”：{self.rule.get_category_display()}属于执法行为本身，"
            f"不得委托第三方（{self.rule.reason}；依据：{self.rule.rule_ref}）"
        )


def negative_list_hits(county_code: str, *texts: str) -> list[NegativeHit]:
    text = "\n".join(texts)
    hits = []
    for rule in NegativeRule.objects.filter(county_code=county_code, active=True):
        for keyword in rule.keyword_list:
            if keyword in text:
                hits.append(NegativeHit(rule, keyword))
                break
    return hits
