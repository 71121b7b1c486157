"""Our QR codes read back with a real decoder (zbarimg): the card's, inside the PDF, and visit codes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.test import Client

from zerodisturb.credentials.card import card_pdf, qr_png, verify_url
from zerodisturb.credentials.tokens import sign, verify
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401  (panel is a fixture)
from zerodisturb.testing.visits import VISIT_DAY, planned_visit, visit_world_fixture  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
        reason="needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)",
    ),
]


def decode(png: Path) -> list[str]:
    """Every QR code zbarimg finds in the image, as text."""
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


def follow(url: str):
    return Client().get(urlparse(url).path)


def test_the_png_decodes_to_the_verify_url(visit_world, tmp_path):
    credential = visit_world.lead.credential
    png = tmp_path / "qr.png"
    png.write_bytes(qr_png(verify_url(credential)))

    assert decode(png) == [verify_url(credential)]
    assert urlparse(verify_url(credential)).path == f"/verify/{credential.number}"


def test_the_qr_printed_on_the_pdf_card_decodes(visit_world, tmp_path):
    credential = visit_world.lead.credential
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(card_pdf(credential))

    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1  # the card is one page
    assert decode(pages[0]) == [verify_url(credential)]


def test_the_decoded_card_url_opens_the_public_verify_page(visit_world, tmp_path):
    credential = visit_world.lead.credential
    png = tmp_path / "qr.png"
    png.write_bytes(qr_png(verify_url(credential)))
    [decoded] = decode(png)

    response = follow(decoded)  # anonymous: the page is public

    assert response.status_code == 200
    assert credential.number in response.content.decode()


def test_a_visit_code_survives_the_round_trip(visit_world, tmp_path, settings):
    visit = planned_visit(visit_world).visit
    token = sign(visit.pk, visit_world.lead.credential.pk, VISIT_DAY)
    url = f"{settings.SITE_URL}/scan/{token}"  # as visits.gate shows it
    png = tmp_path / "code.png"
    png.write_bytes(qr_png(url))

    [decoded] = decode(png)

    assert decoded == url
    claims = verify(decoded.rsplit("/", 1)[1], VISIT_DAY)
    assert (claims.visit_id, claims.credential_id) == (visit.pk, visit_world.lead.credential.pk)
