"""The SMS adapter interface. Deployments plug in their gateway; development prints to the log."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("zerodisturb.sms")


class SmsAdapter(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsAdapter:
    """Writes the message to the log instead of sending it (development and tests)."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "***"
        log.info("SMS to %s: %s", masked, text)
        self.sent.append((phone, text))


class NullSmsAdapter:
    def send(self, phone: str, text: str) -> None:
        return None


def sms_adapter() -> SmsAdapter:
    return import_string(settings.SMS_ADAPTER)()
