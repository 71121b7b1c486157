"""Signed, short-lived visit codes (亮码入企).

A token names (visit, credential, time slot) and the key that signed it:
``base64url(json payload) "." base64url(Ed25519 signature)``. Slots are 60 s long, so the code on
the phone changes every minute; a token verifies during its slot and a short grace after it.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from zerodisturb.credentials.models import SigningKey
from zerodisturb.registry.pii import decrypt, encrypt

SLOT_SECONDS = 60
GRACE_SLOTS = 2  # a code shown at the gate stays good for up to ~3 minutes
MAX_TOKEN_LENGTH = 400
SIGNATURE_BYTES = 64  # Ed25519


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def slot_of(moment: datetime) -> int:
    return int(moment.timestamp()) // SLOT_SECONDS


@dataclass(frozen=True)
class TokenClaims:
    kid: str
    visit_id: int
    credential_id: int
    slot: int


class TokenRefused(Exception):
    def __init__(self, code: str, message: str, claims: TokenClaims | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        # Set when the signature was genuine (an old or early code): the scan log can name the visit.
        self.claims = claims


@transaction.atomic
def rotate_signing_key(now: datetime | None = None) -> SigningKey:
    """Create a new signing key; the previous ones stop signing but keep verifying."""
    now = now or timezone.now()
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
    return SigningKey.objects.create(
        kid=secrets.token_hex(4),
        private_key=encrypt(_b64(raw_private)),
        public_key=_b64(raw_public),
    )


def current_key() -> SigningKey:
    key = SigningKey.objects.filter(retired_at__isnull=True).order_by("-created_at").first()
    return key or rotate_signing_key()


def sign(visit_id: int, credential_id: int, now: datetime | None = None) -> str:
    key = current_key()
    payload = json.dumps(
        {"k": key.kid, "v": visit_id, "c": credential_id, "s": slot_of(now or timezone.now())},
        separators=(",", ":"),
    ).encode()
    private = Ed25519PrivateKey.from_private_bytes(_unb64(decrypt(key.private_key)))
    return f"{_b64(payload)}.{_b64(private.sign(payload))}"


_public_keys: dict[str, bytes] = {}


def _public_key(kid: str) -> bytes | None:
    if kid not in _public_keys:
        key = SigningKey.objects.filter(kid=kid).first()
        if key is None:
            return None
        _public_keys[kid] = _unb64(key.public_key)
    return _public_keys[kid]


# Tokens whose signature was checked in this process, with their claims: the two to four phones
# at a gate scan the same code (one per minute), and its signature need be checked only once.
# Exactly the same string only; its time is judged on every scan (verify).
_genuine: dict[str, TokenClaims] = {}


def verify(token: str, now: datetime | None = None) -> TokenClaims:
    """The claims of a genuine, unexpired token; TokenRefused (with a reason code) otherwise."""
    claims = _genuine.get(token)
    if claims is None:
        claims = _genuine_claims(token)
        if len(_genuine) >= 4096:
            _genuine.clear()
        _genuine[token] = claims
    current = slot_of(now or timezone.now())
    if claims.slot > current + 1:
        raise TokenRefused("not_yet_valid", "二维码时间异常（早于签发时间）", claims)
    if claims.slot < current - GRACE_SLOTS:
        raise TokenRefused("expired", "二维码已过期：请让服务人员刷新手机上的二维码", claims)
    return claims


def _genuine_claims(token: str) -> TokenClaims:
    """The claims of a token signed by one of our keys; TokenRefused otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise TokenRefused("malformed", "二维码内容不完整或格式错误")
    body, signature = token.split(".")
    try:
        payload = _unb64(body)
        sig = _unb64(signature)
        # Base64 has spare bits: only the canonical spelling of the signed bytes is accepted,
        # so that no character of a token can change without the token being refused.
        if _b64(payload) != body or _b64(sig) != signature:
            raise ValueError("non-canonical base64")
        data = json.loads(payload)
        claims = TokenClaims(str(data["k"]), int(data["v"]), int(data["c"]), int(data["s"]))
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError):
        # OverflowError: a changed digit can make a number like 2E642460 (float infinity).
        raise TokenRefused("malformed", "二维码内容不完整或格式错误") from None
    if len(sig) != SIGNATURE_BYTES:
        # libsodium checks `sig + payload` as one string: a byte moved across the dot would
        # otherwise make a second spelling of the same signed bytes (JSON skips leading spaces).
        raise TokenRefused("bad_signature", "签名无效：二维码被伪造或篡改")
    key = _public_key(claims.kid)
    if key is None:
        raise TokenRefused("bad_signature", "签名无效：不是本系统签发的二维码")
    try:
        # Verified by libsodium (PyNaCl): the same Ed25519 as `cryptography`, which signs, in
        # about half the time; the check is the costliest step of a scan at the gate.
        crypto_sign_open(sig + payload, key)
    except (BadSignatureError, ValueError):
        raise TokenRefused("bad_signature", "签名无效：二维码被伪造或篡改") from None
    return claims
