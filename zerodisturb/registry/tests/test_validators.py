"""GB 32100 credit codes and GB 11643 ID numbers: valid ones pass, any single change is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerodisturb.registry.validators import (
    CREDIT_ALPHABET,
    credit_code_check_char,
    credit_code_error,
    id_number_check_char,
    id_number_error,
)

# Any character someone might type in place of another: the code alphabets, the excluded
# letters, lower case, full-width digits, spaces and punctuation.
TYPED = st.sampled_from(list(CREDIT_ALPHABET + "IOZSVioszvabx０１９ -.*X"))


@st.composite
def credit_codes(draw) -> str:
    body = draw(st.text(alphabet=CREDIT_ALPHABET, min_size=9, max_size=9))
    registration = draw(st.sampled_from(["11", "12", "31", "51", "52", "91", "92", "93"]))
    region = draw(st.sampled_from(["330282", "330281", "110105", "440305"]))
    first17 = registration + region + body
    return first17 + credit_code_check_char(first17)


@st.composite
def id_numbers(draw) -> str:
    born = date(1930, 1, 1) + timedelta(days=draw(st.integers(0, 365 * 90)))
    region = draw(st.sampled_from(["330282", "330281", "110105"]))
    first17 = region + born.strftime("%Y%m%d") + draw(st.from_regex(r"\A[0-9]{3}\Z"))
    return first17 + id_number_check_char(first17)


@settings(max_examples=300)
@given(credit_codes())
def test_valid_credit_codes_pass(code):
    assert credit_code_error(code) is None


@settings(max_examples=300)
@given(credit_codes(), st.integers(0, 17), TYPED)
def test_any_single_character_change_of_a_credit_code_is_refused(code, position, char):
    changed = code[:position] + char + code[position + 1 :]
    if changed != code:
        assert credit_code_error(changed) is not None


@settings(max_examples=300)
@given(id_numbers())
def test_valid_id_numbers_pass(number):
    assert id_number_error(number) is None


@settings(max_examples=300)
@given(id_numbers(), st.integers(0, 17), TYPED)
def test_any_single_character_change_of_an_id_number_is_refused(number, position, char):
    changed = number[:position] + char + number[position + 1 :]
    if changed != number:
        assert id_number_error(changed) is not None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91330282MA2AB", "应为 18 位"),
        ("91330282MA2AB1234I", "不是允许的字符"),
        ("91330282ma2ab12345", "应为大写字母"),
    ],
)
def test_credit_code_messages_say_what_is_wrong(code, message):
    assert message in credit_code_error(code)


def test_wrong_check_character_names_the_expected_one():
    first17 = "91330282" + "3079688" + "40"
    good = first17 + credit_code_check_char(first17)
    bad = first17 + ("0" if good[-1] != "0" else "1")
    assert f"应为“{good[-1]}”" in credit_code_error(bad)


def test_id_number_messages():
    assert "应为 18 位" in id_number_error("33028219900101")
    assert "出生日期" in id_number_error("330282199002300012")
    assert "校验位" in id_number_error("33028219900101001" + "0") or id_number_error(
        "33028219900101001" + "1"
    )
