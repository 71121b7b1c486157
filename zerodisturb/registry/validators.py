"""Check characters of the unified social credit code (GB 32100-2015) and resident ID (GB 11643)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

# GB 32100-2015: 31 characters, the letters I, O, Z, S, V are not used.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_DIGITS = frozenset("0123456789")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """None when `code` is a valid unified social credit code, else what is wrong (Chinese)."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，实为 {len(code)} 位"
    for position, char in enumerate(code, start=1):
        if char not in CREDIT_ALPHABET:
            if char.upper() in CREDIT_ALPHABET and char != char.upper():
                return f"第 {position} 位“{char}”应为大写字母"
            return f"第 {position} 位“{char}”不是允许的字符（不使用 I、O、Z、S、V）"
    if not all(c in _DIGITS for c in code[2:8]):
        return "第 3–8 位应为行政区划代码（6 位数字）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验位错误：第 18 位应为“{expected}”，实为“{code[17]}”"
    return None


def validate_credit_code(code: str) -> None:
    error = credit_code_error(code)
    if error:
        raise ValidationError(error, code="credit_code")


def id_number_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_error(number: str) -> str | None:
    """None when `number` is a valid 18-digit resident ID number, else what is wrong (Chinese)."""
    if len(number) != 18:
        return f"身份证号码应为 18 位，实为 {len(number)} 位"
    # str.isdigit() would also accept full-width and other Unicode digits.
    not_ascii_digit = [i for i, c in enumerate(number[:17], start=1) if c not in _DIGITS]
    if not_ascii_digit:
        return f"第 {not_ascii_digit[0]} 位应为半角数字"
    if number[17] not in "0123456789X":
        return "第 18 位应为数字或大写 X"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"出生日期“{number[6:14]}”不是有效日期"
    if born.year < 1900 or born > date.today():
        return f"出生日期“{number[6:14]}”不在合理范围内"
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        return f"校验位错误：第 18 位应为“{expected}”，实为“{number[17]}”"
    return None


def validate_id_number(number: str) -> None:
    error = id_number_error(number)
    if error:
        raise ValidationError(error, code="id_number")


def phone_error(phone: str) -> str | None:
    digits = phone.replace("-", "").replace(" ", "")
    if all(c in _DIGITS for c in digits) and (
        len(digits) == 11 and digits.startswith("1") or 7 <= len(digits) <= 12
    ):
        return None
    return "电话号码应为 11 位手机号或带区号的固定电话"


def normalise_code(value: str) -> str:
    """What a user typed, as a code: surrounding spaces removed, letters upper-cased."""
    return (value or "").strip().upper()
