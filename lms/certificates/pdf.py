"""The printable certificate: an A4 landscape PDF in Vietnamese with its code and QR code.

Drawn with reportlab on a canvas, in DejaVu Sans (shipped in lms/static/fonts, full
Vietnamese coverage, embedded as a subset), so a fresh clone never depends on system fonts.
The QR code (segno) is drawn as vector squares. A rendered file is cached under
instance/certificate_pdfs/, keyed by the code and the public address it points to."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import segno
from flask import current_app, has_request_context, request
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from lms.certificates.codes import grouped
from lms.certificates.models import Certificate
from lms.certificates.services import PROGRAM_TITLE_SEPARATOR, statement_of, vietnam_date

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
LAYOUT_VERSION = "1"  # bump when the drawing changes, so cached files are drawn again
CACHE_DIR = "certificate_pdfs"

BRAND = HexColor("#b3261e")
BRAND_DARK = HexColor("#8c1d17")
GOLD = HexColor("#b08a2e")
INK = HexColor("#1b1f24")
MUTED = HexColor("#4a5361")
SOFT = HexColor("#fbf7ee")

_fonts_lock = threading.Lock()
_fonts_ready = False


def _register_fonts() -> None:
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        _fonts_ready = True


def public_base_url() -> str:
    """Return the site's public address: PUBLIC_BASE_URL, else the address of this request."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://127.0.0.1:5000"


def verify_url(code: str, base: str | None = None) -> str:
    """Return the public verification address of a code (the one printed QR codes open)."""
    return f"{base if base is not None else public_base_url()}/verify/{grouped(code)}"


def qr_text(certificate: Certificate, base: str | None = None) -> str:
    """Return the QR code's text: the verify URL plus the signed statement in its fragment."""
    fragment = statement_of(certificate).fragment(certificate.key_id, certificate.signature)
    return f"{verify_url(certificate.code, base)}#{fragment}"


@dataclass(frozen=True)
class _Box:
    left: float
    right: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _fit(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """Return the largest font size not above size at which text fits in width."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _centred_lines(
    canvas: Canvas,
    text: str,
    font: str,
    size: float,
    box: _Box,
    top: float,
    max_lines: int,
    colour: Color = INK,
    leading: float = 1.25,
) -> float:
    """Draw text centred and wrapped in box from top down; return the baseline below it."""
    lines = simpleSplit(_nfc(text), font, size, box.width)
    while len(lines) > max_lines and size > 8:
        size -= 0.5
        lines = simpleSplit(_nfc(text), font, size, box.width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,;") + "…"
    canvas.setFont(font, size)
    canvas.setFillColor(colour)
    y = top
    for line in lines:
        canvas.drawCentredString(box.centre, y, line)
        y -= size * leading
    return y


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of text as vector squares in a size × size square at (x, y)."""
    qr = segno.make(text, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    border = 2  # white quiet zone in modules, inside the square (the page is white too)
    modules = len(matrix) + 2 * border
    unit = size / modules
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(INK)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                top = y + size - (r + border) * unit
                path.rect(x + (start + border) * unit, top - unit, (c - start) * unit, unit)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setFillColor(SOFT)
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(4)
    canvas.rect(18, 18, width - 36, height - 36, stroke=1, fill=0)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.9)
    canvas.rect(27, 27, width - 54, height - 54, stroke=1, fill=0)
    canvas.setFillColor(white)
    canvas.rect(30, 30, width - 60, height - 60, stroke=0, fill=1)
    canvas.setFillColor(GOLD)
    for cx, cy in ((27, 27), (width - 27, 27), (27, height - 27), (width - 27, height - 27)):
        path = canvas.beginPath()
        path.moveTo(cx, cy + 7)
        path.lineTo(cx + 7, cy)
        path.lineTo(cx, cy - 7)
        path.lineTo(cx - 7, cy)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)


def _date(moment: datetime) -> str:
    day = vietnam_date(moment)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _percent(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def render_certificate(certificate: Certificate, base: str) -> bytes:
    """Return the certificate as a one-page A4 landscape PDF."""
    _register_fonts()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(_nfc(f"Chứng nhận – {certificate.holder_name} – {certificate.title}"))
    canvas.setAuthor(_nfc(certificate.issuer_name))
    canvas.setSubject(_nfc(certificate.achievement))
    canvas.setCreator("Bình dân học vụ số")
    _frame(canvas, width, height)
    body = _Box(70, width - 70)

    # Heading
    canvas.setFillColor(BRAND_DARK)
    canvas.setFont(BOLD, 11)
    canvas.drawCentredString(body.centre, height - 68, "PHONG TRÀO “BÌNH DÂN HỌC VỤ SỐ”")
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 9.5)
    canvas.drawCentredString(body.centre, height - 83, _nfc(certificate.issuer_name))
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.line(body.centre - 60, height - 93, body.centre + 60, height - 93)
    canvas.setFillColor(BRAND)
    canvas.setFont(BOLD, 40)
    canvas.drawCentredString(body.centre, height - 142, "CHỨNG NHẬN")
    subtitle = "HOÀN THÀNH KHOÁ HỌC" if certificate.kind == "course" else "ĐẠT PHỔ CẬP KỸ NĂNG SỐ"
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 15)
    canvas.drawCentredString(body.centre, height - 166, subtitle)

    # Holder and achievement
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 12)
    canvas.drawCentredString(body.centre, height - 196, "Chứng nhận")
    name = _nfc(certificate.holder_name)
    size = _fit(name, BOLD, 30, body.width, 16)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, size)
    canvas.drawCentredString(body.centre, height - 232, name)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 12)
    if certificate.kind == "course":
        lead = "đã hoàn thành khoá học"
        subject = certificate.title
    else:
        lead = "đã đạt chuẩn phổ cập kỹ năng số, hoàn thành chương trình của nhóm"
        subject = certificate.title.split(PROGRAM_TITLE_SEPARATOR, 1)[-1]
    canvas.drawCentredString(body.centre, height - 258, lead)
    y = _centred_lines(canvas, subject, BOLD, 18, _Box(110, width - 110), height - 284, 2)

    # What it covers
    details = _Box(110, width - 110)
    lead_in = "Năng lực số (Khung năng lực số, Thông tư 02/2025/TT-BGDĐT): "
    competences = lead_in + "; ".join(f"{c['code']} {c['name']}" for c in certificate.competences)
    if len(simpleSplit(_nfc(competences), REGULAR, 9.5, details.width)) > 3:
        # A program covers many: their codes fit, the names are on the verify page.
        competences = lead_in + ", ".join(c["code"] for c in certificate.competences)
    if certificate.competences:
        y = _centred_lines(
            canvas,
            competences,
            REGULAR,
            9.5,
            details,
            y - 6,
            3,
            MUTED,
        )
    facts = []
    if certificate.level:
        facts.append(f"Trình độ: Bậc {certificate.level} – {certificate.level_name}")
    if certificate.score_percent is not None:
        facts.append(f"Kết quả bài kiểm tra: {_percent(certificate.score_percent)}")
    if facts:
        _centred_lines(canvas, "   ·   ".join(facts), REGULAR, 10.5, details, y - 6, 1, INK)

    # Date, place, code (left) and QR code (right)
    qr_size = 132.0
    qr_x, qr_y = width - 70 - qr_size, 52.0
    left = 70.0
    canvas.setFillColor(INK)
    rows = [
        ("Ngày hoàn thành", _date(certificate.achieved_at)),
        ("Ngày cấp", _date(certificate.issued_at)),
    ]
    if certificate.issuer_place:
        rows.append(("Nơi cấp", certificate.issuer_place))
    line_y = 150.0
    for label, value in rows:
        canvas.setFont(REGULAR, 10)
        canvas.setFillColor(MUTED)
        canvas.drawString(left, line_y, f"{label}:")
        canvas.setFont(BOLD, 10.5)
        canvas.setFillColor(INK)
        value_size = _fit(_nfc(value), BOLD, 10.5, qr_x - left - 130, 7)
        canvas.setFont(BOLD, value_size)
        canvas.drawString(left + 105, line_y, _nfc(value))
        line_y -= 16
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(left, 88, "Mã chứng nhận:")
    canvas.setFillColor(BRAND_DARK)
    canvas.setFont(BOLD, 14)
    canvas.drawString(left + 105, 87, grouped(certificate.code))
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 8.5)
    url = verify_url(certificate.code, base)
    canvas.drawString(left, 70, f"Kiểm tra trực tuyến: {url}")
    canvas.drawString(
        left,
        58,
        f"Mã QR có chữ ký số Ed25519 (khoá {certificate.key_id}), kiểm tra được cả khi không có mạng.",
    )

    _draw_qr(canvas, qr_text(certificate, base), qr_x, qr_y, qr_size)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 8.5)
    canvas.drawCentredString(qr_x + qr_size / 2, qr_y + qr_size + 6, "Quét mã để kiểm tra")

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cache_folder() -> Path:
    return Path(current_app.instance_path) / CACHE_DIR


def certificate_pdf(certificate: Certificate) -> Path:
    """Return the path of the certificate's PDF, drawing and caching it on first use."""
    base = public_base_url()
    digest = hashlib.sha256(f"{base}\n{LAYOUT_VERSION}".encode()).hexdigest()[:12]
    folder = _cache_folder()
    path = folder / f"{certificate.code}-{digest}.pdf"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    data = render_certificate(certificate, base)
    tmp = folder / f".{certificate.code}-{digest}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def forget_pdf(code: str) -> None:
    """Delete the cached PDFs of a code (after it is revoked or replaced)."""
    folder = _cache_folder()
    if folder.exists():
        for path in folder.glob(f"{code}-*.pdf"):
            path.unlink(missing_ok=True)
