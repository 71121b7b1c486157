"""Personal data at rest (PIPL): AES-GCM encryption, a keyed hash for look-up, and masking."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

_VERSION = b"v1"


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[AESGCM, bytes]:
    master = base64.urlsafe_b64decode(secret)
    if len(master) != 32:
        raise ValueError("PII_KEY must be 32 bytes, urlsafe-base64 encoded")
    enc_key = hmac.new(master, b"zerodisturb pii encryption", hashlib.sha256).digest()
    mac_key = hmac.new(master, b"zerodisturb pii lookup", hashlib.sha256).digest()
    return AESGCM(enc_key), mac_key


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    aead, _ = _keys(settings.PII_KEY)
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, plain.encode("utf-8"), _VERSION)
    return (_VERSION + b":" + base64.urlsafe_b64encode(nonce + sealed)).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    aead, _ = _keys(settings.PII_KEY)
    version, _, body = token.encode("ascii").partition(b":")
    raw = base64.urlsafe_b64decode(body)
    return aead.decrypt(raw[:12], raw[12:], version).decode("utf-8")


def lookup_hash(plain: str) -> str:
    """Keyed hash so equal values can be found without storing them; empty for empty input."""
    if not plain:
        return ""
    _, mac_key = _keys(settings.PII_KEY)
    return hmac.new(mac_key, plain.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id_number(number: str) -> str:
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


class EncryptedTextField(models.TextField):
    """A text column that holds AES-GCM ciphertext; Python code sees the plain text."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
