"""Valid-looking identifiers for demo data: credit codes and ID numbers with correct check digits."""

from __future__ import annotations

import random
from datetime import date, timedelta

from zerodisturb.registry.validators import credit_code_check_char, id_number_check_char

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(rng: random.Random) -> str:
    """A 9-character GB 11714 organisation code (digits, check character 0-9 or X)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def credit_code(rng: random.Random, county_code: str, kind: str = "91") -> str:
    """kind: '91' companies, '11' government bodies, '12' public institutions."""
    first17 = kind + county_code + organisation_code(rng)
    return first17 + credit_code_check_char(first17)


def id_number(rng: random.Random, county_code: str, born_from=1965, born_to=2000) -> str:
    born = date(born_from, 1, 1) + timedelta(days=rng.randrange((born_to - born_from) * 365))
    first17 = county_code + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(["133", "135", "137", "138", "139", "150", "158", "186", "189"]) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )
