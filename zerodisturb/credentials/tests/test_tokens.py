"""Visit codes: no character of a token can change, old codes expire, forged keys never verify."""

from __future__ import annotations

import base64
import json
import string
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerodisturb.credentials.models import SigningKey
from zerodisturb.credentials.tokens import (
    GRACE_SLOTS,
    SLOT_SECONDS,
    TokenRefused,
    current_key,
    rotate_signing_key,
    sign,
    slot_of,
    verify,
)
from zerodisturb.testing.commissioning import at

pytestmark = pytest.mark.django_db

ALPHABET = string.ascii_letters + string.digits + "-_."
NOW = at(2026, 5, 12, 9)
ids = st.integers(min_value=1, max_value=2**31 - 1)
with_db = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def refusal(token: str, now=NOW) -> str:
    with pytest.raises(TokenRefused) as excinfo:
        verify(token, now)
    return excinfo.value.code


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(kid: str, visit_id: int = 7, credential_id: int = 9, now=NOW) -> str:
    """A well-formed token signed by a key we never issued."""
    payload = json.dumps(
        {"k": kid, "v": visit_id, "c": credential_id, "s": slot_of(now)}, separators=(",", ":")
    ).encode()
    return f"{b64(payload)}.{b64(Ed25519PrivateKey.generate().sign(payload))}"


def test_a_fresh_token_verifies_to_its_claims():
    token = sign(41, 17, NOW)
    claims = verify(token, NOW)
    assert (claims.visit_id, claims.credential_id, claims.kid) == (41, 17, current_key().kid)


def test_every_single_character_change_is_refused_exhaustively():
    token = sign(12345, 678, NOW)
    for position, original in enumerate(token):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            changed = token[:position] + replacement + token[position + 1 :]
            with pytest.raises(TokenRefused):
                verify(changed, NOW)


@with_db
@given(visit_id=ids, credential_id=ids, data=st.data())
def test_any_single_character_change_is_refused(db, visit_id, credential_id, data):
    token = sign(visit_id, credential_id, NOW)
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="position")
    replacement = data.draw(
        st.sampled_from(ALPHABET).filter(lambda c: c != token[position]), label="replacement"
    )
    changed = token[:position] + replacement + token[position + 1 :]
    assert refusal(changed) in ("malformed", "bad_signature")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@with_db
@given(visit_id=ids, credential_id=ids, data=st.data())
def test_the_signed_bytes_split_anywhere_else_are_refused(db, visit_id, credential_id, data):
    """Bytes moved across the dot (the signature's last ones to the payload's front, or back)
    keep the string libsodium checks, signature + payload, the same: refused all the same (an
    Ed25519 signature's last byte is often a tab or newline, which JSON skips)."""
    body, signature = sign(visit_id, credential_id, NOW).split(".")
    signed = _unb64(signature) + _unb64(body)
    cut = data.draw(st.integers(0, len(signed)).filter(lambda k: k != 64), label="cut")
    assert refusal(f"{b64(signed[cut:])}.{b64(signed[:cut])}") in ("malformed", "bad_signature")


def test_a_signature_byte_moved_to_the_front_of_the_payload_is_refused():
    for visit_id in range(1, 200):
        body, signature = sign(visit_id, 3, NOW).split(".")
        sig = _unb64(signature)
        if sig[-1:] in (b"\t", b"\n", b"\r"):
            moved = f"{b64(sig[-1:] + _unb64(body))}.{b64(sig[:-1])}"
            assert refusal(moved) == "bad_signature"
            return
    pytest.fail("no signature in 199 ended in a whitespace byte")


@with_db
@given(visit_id=ids, credential_id=ids, data=st.data())
def test_any_bit_of_the_signed_bytes_changed_is_refused(db, visit_id, credential_id, data):
    body, signature = sign(visit_id, credential_id, NOW).split(".")
    payload, sig = bytearray(_unb64(body)), bytearray(_unb64(signature))
    target = data.draw(st.sampled_from(["payload", "signature"]), label="part")
    part = payload if target == "payload" else sig
    index = data.draw(st.integers(0, len(part) - 1), label="byte")
    part[index] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    assert refusal(f"{b64(bytes(payload))}.{b64(bytes(sig))}") in ("malformed", "bad_signature")


@with_db
@given(signed_at=st.integers(min_value=0, max_value=SLOT_SECONDS - 1), age=st.integers(0, 900))
def test_tokens_live_for_their_slot_and_the_grace_slots_only(db, signed_at, age):
    signed = NOW + timedelta(seconds=signed_at)
    scanned = signed + timedelta(seconds=age)
    token = sign(5, 6, signed)
    slots_old = slot_of(scanned) - slot_of(signed)
    if slots_old <= GRACE_SLOTS:
        assert verify(token, scanned).visit_id == 5
    else:
        assert refusal(token, scanned) == "expired"


def test_grace_boundary_exactly():
    start = at(2026, 5, 12, 9)  # on a slot boundary: a whole hour
    assert int(start.timestamp()) % SLOT_SECONDS == 0
    token = sign(1, 2, start)
    last_good = start + timedelta(seconds=(GRACE_SLOTS + 1) * SLOT_SECONDS - 1)
    assert verify(token, last_good)
    assert refusal(token, last_good + timedelta(seconds=1)) == "expired"
    assert refusal(token, start - timedelta(seconds=2 * SLOT_SECONDS)) == "not_yet_valid"


@with_db
@given(visit_id=ids, credential_id=ids)
def test_a_key_we_do_not_have_is_refused(db, visit_id, credential_id):
    assert refusal(forged("deadbeef", visit_id, credential_id)) == "bad_signature"


@with_db
@given(visit_id=ids, credential_id=ids)
def test_a_foreign_key_using_our_kid_is_refused(db, visit_id, credential_id):
    ours = current_key().kid
    assert refusal(forged(ours, visit_id, credential_id)) == "bad_signature"


@pytest.mark.parametrize(
    "token",
    ["", ".", "abc", "a.b.c", "x" * 401, "e30.AAAA", "bm90IGpzb24.AAAA", "e30=.AAAA"],
)
def test_garbage_is_malformed(token):
    assert refusal(token) == "malformed"


def test_rotation_keeps_unexpired_old_tokens_and_signs_with_the_new_key():
    old_key = current_key()
    old_token = sign(3, 4, NOW)

    new_key = rotate_signing_key(NOW)
    new_token = sign(3, 4, NOW)

    assert new_key.kid != old_key.kid
    assert verify(new_token, NOW).kid == new_key.kid
    assert verify(old_token, NOW + timedelta(seconds=SLOT_SECONDS)).kid == old_key.kid
    assert SigningKey.objects.get(pk=old_key.pk).retired_at == NOW
    assert current_key() == new_key
    expired = NOW + timedelta(seconds=(GRACE_SLOTS + 1) * SLOT_SECONDS)
    assert refusal(old_token, expired) == "expired"


def test_a_token_s_signature_is_checked_once_its_time_on_every_scan(monkeypatch):
    from zerodisturb.credentials import tokens

    checked = []

    def counting(signed, key):
        checked.append(signed)
        return real(signed, key)

    real = tokens.crypto_sign_open
    monkeypatch.setattr(tokens, "crypto_sign_open", counting)
    token = sign(3, 4, NOW)
    for _ in range(3):  # the phones at one gate scanning the same code
        assert verify(token, NOW).visit_id == 3
    assert len(checked) == 1
    late = NOW + timedelta(seconds=(GRACE_SLOTS + 2) * SLOT_SECONDS)
    assert refusal(token, late) == "expired"  # remembered as genuine, still judged on its time
    at_ = token.index(".") + 6  # a character inside the signature (canonical either way)
    other = token[:at_] + ("A" if token[at_] != "A" else "B") + token[at_ + 1 :]
    assert refusal(other) == "bad_signature"  # another string: checked in full
    assert len(checked) == 2
