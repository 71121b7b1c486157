"""The printable credential card (统一工作证): a PDF with the number, photo slot and a QR code.

The QR code opens the public verification page. Chinese text needs an embedded CJK TrueType
font; reportlab reads WenQuanYi Micro Hei (Debian fonts-wqy-microhei) from its .ttc.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from zerodisturb.credentials.models import Credential

CARD = (86 * mm, 54 * mm)  # ID-1, the size of a bank card
FONT = "ZdCJK"


@lru_cache(maxsize=1)
def _font() -> str:
    path = settings.CJK_FONT_PATH
    try:
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    except Exception as exc:  # reportlab raises TTFError and OSError for a missing/bad file
        raise ImproperlyConfigured(
            f"找不到中文字体 {path}：请安装 fonts-wqy-microhei 或设置 ZD_CJK_FONT"
        ) from exc
    return FONT


def verify_url(credential: Credential) -> str:
    return f"{settings.SITE_URL}/verify/{credential.number}"


def qr_png(data: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make_qr(data, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def card_pdf(credential: Credential) -> bytes:
    font = _font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=CARD)
    pdf.setTitle(f"统一工作证 {credential.number}")
    width, height = CARD
    pdf.setFillColor(HexColor("#b3261e"))
    pdf.rect(0, height - 11 * mm, width, 11 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont(font, 10)
    pdf.drawCentredString(width / 2, height - 7.5 * mm, "行政执法领域第三方辅助服务 统一工作证")
    pdf.setFillColor(HexColor("#1f2933"))
    # Photo slot
    pdf.setStrokeColor(HexColor("#9aa5b1"))
    pdf.rect(4 * mm, 12 * mm, 20 * mm, 26 * mm, stroke=1, fill=0)
    if credential.photo:
        try:
            pdf.drawImage(
                ImageReader(credential.photo.path),
                4 * mm,
                12 * mm,
                20 * mm,
                26 * mm,
                preserveAspectRatio=True,
            )
        except Exception:  # a broken photo file leaves the slot empty rather than no card
            pdf.setFont(font, 6)
            pdf.drawCentredString(14 * mm, 25 * mm, "照片")
    else:
        pdf.setFont(font, 6)
        pdf.drawCentredString(14 * mm, 25 * mm, "照片")
    agencies = sorted({c.agency.short_name or c.agency.name for c in credential.contracts.all()})
    lines = [
        ("编号", credential.number),
        ("姓名", credential.person.name),
        ("机构", credential.provider.name),
        ("委托", "、".join(agencies)),
        ("有效期", f"{credential.valid_from:%Y.%m.%d}–{credential.valid_to:%Y.%m.%d}"),
    ]
    y = height - 16 * mm
    for label, value in lines:
        pdf.setFont(font, 6)
        pdf.drawString(27 * mm, y, label)
        pdf.setFont(font, 7 if label != "编号" else 8)
        pdf.drawString(36 * mm, y, value[:26])
        y -= 5.2 * mm
    qr = ImageReader(io.BytesIO(qr_png(verify_url(credential), scale=6)))
    pdf.drawImage(qr, width - 22 * mm, 2 * mm, 20 * mm, 20 * mm)
    pdf.setFont(font, 5)
    pdf.drawString(4 * mm, 6 * mm, "扫码核验证件真伪与状态 · 无有效证件企业有权拒绝入企")
    pdf.drawString(4 * mm, 3 * mm, "县级司法行政部门统一监制 · 一人一证 · 持证上岗")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
