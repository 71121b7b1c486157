"""ID and phone numbers are encrypted at rest, found by keyed hash, and shown masked."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from zerodisturb.registry.cleaning import Lookups, clean_person
from zerodisturb.registry.models import Person
from zerodisturb.registry.pii import decrypt, encrypt, lookup_hash, mask_id_number, mask_phone
from zerodisturb.registry.services import save_person

pytestmark = pytest.mark.django_db

ID = "330282199001011237"


def test_masks():
    assert mask_id_number("330282199001011234") == "330282********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_encrypt_round_trip_uses_a_fresh_nonce():
    assert decrypt(encrypt("13812345678")) == "13812345678"
    assert encrypt("13812345678") != encrypt("13812345678")


def test_a_database_dump_does_not_reveal_id_or_phone(county):
    from zerodisturb.registry.validators import id_number_check_char

    number = ID[:17] + id_number_check_char(ID[:17])
    clean, errors = clean_person(
        {
            "name": "岑科超",
            "id_number": number,
            "kind": "辅助人员",
            "organisation_code": county.orgs["provider"].credit_code,
            "phone": "13812345678",
        },
        Lookups.for_county("330282"),
    )
    assert errors == {}
    with transaction.atomic():
        person = save_person(county.users["supervisor"], clean)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person WHERE id = %s", [person.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
        cursor.execute("SELECT payload, object_number FROM audit_auditevent")
        audit = " ".join(str(v) for r in cursor.fetchall() for v in r)
    for secret in (number, "13812345678", number[6:14]):
        assert secret not in row
        assert secret not in audit
    assert Person.objects.get(id_hash=lookup_hash(number)).id_number == number
    assert person.masked_id_number == number[:6] + "********" + number[-4:]
