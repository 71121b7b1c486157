"""能少则少: other agencies' current items that overlap an application.

Text similarity is the cosine of character-bigram TF-IDF vectors (Chinese has no spaces to split
words on); target overlap is the number of enterprises both items reach, counting explicit targets
and the enterprises of the targeted sectors/localities. The score weighs both equally.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from zerodisturb.commissioning.choices import CURRENT_STATUSES
from zerodisturb.commissioning.models import CommissionedItem, ItemVersion
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import Organisation

THRESHOLD = 0.2
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass
class Overlap:
    item: CommissionedItem
    score: float
    text_similarity: float
    shared_enterprises: int
    shared_sectors: list[str]
    shared_localities: list[str]


def bigrams(text: str) -> Counter:
    chars = _NOISE.sub("", text.lower())
    return Counter(chars[i : i + 2] for i in range(len(chars) - 1))


def _tfidf(docs: list[Counter]) -> list[dict[str, float]]:
    df = Counter(term for doc in docs for term in doc)
    n = len(docs)
    vectors = []
    for doc in docs:
        vec = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t]) + 1) for t, c in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def reached_enterprises(version: ItemVersion) -> set[int]:
    ids = set(version.target_enterprises.values_list("pk", flat=True))
    sectors = version.target_sectors
    localities = list(version.target_localities.values_list("pk", flat=True))
    if sectors or localities:
        criteria = Q(county_code=version.item.county_code, kind=OrganisationKind.ENTERPRISE)
        if sectors:
            criteria &= Q(sector__in=sectors)
        if localities:
            criteria &= Q(locality_id__in=localities)
        ids |= set(Organisation.objects.filter(criteria).values_list("pk", flat=True))
    return ids


def _text(version: ItemVersion) -> str:
    return f"{version.title}\n{version.content}"


def find_overlaps(version: ItemVersion, limit: int = 10) -> list[Overlap]:
    item = version.item
    # Items whose service period has ended no longer overlap anything.
    others = list(
        CommissionedItem.objects.filter(
            county_code=item.county_code,
            status__in=CURRENT_STATUSES,
            current_version__period_end__gte=version.period_start,
        )
        .exclude(agency=item.agency)
        .exclude(pk=item.pk)
        .select_related("current_version", "agency")
        .prefetch_related("current_version__target_localities")
    )
    if not others:
        return []
    vectors = _tfidf(
        [bigrams(_text(version))] + [bigrams(_text(o.current_version)) for o in others]
    )
    mine = reached_enterprises(version)
    my_localities = {d.name for d in version.target_localities.all()}
    results = []
    for other, vector in zip(others, vectors[1:], strict=True):
        theirs = reached_enterprises(other.current_version)
        shared = len(mine & theirs)
        reach = shared / min(len(mine), len(theirs)) if mine and theirs else 0.0
        text = _cosine(vectors[0], vector)
        score = round(0.5 * text + 0.5 * reach, 3)
        if score >= THRESHOLD:
            results.append(
                Overlap(
                    item=other,
                    score=score,
                    text_similarity=round(text, 3),
                    shared_enterprises=shared,
                    shared_sectors=sorted(
                        set(version.target_sectors) & set(other.current_version.target_sectors)
                    ),
                    shared_localities=sorted(
                        my_localities
                        & {d.name for d in other.current_version.target_localities.all()}
                    ),
                )
            )
    results.sort(key=lambda o: o.score, reverse=True)
    return results[:limit]
