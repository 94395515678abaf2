"""Checking uploaded files by their content, re-encoding images, storing them once.

The name and the declared type of an upload are never trusted: the first bytes decide what a
file is, each kind has its size limit, images are decoded and re-encoded with Pillow (which
drops metadata and anything hidden after the picture), SVG is accepted only when it is plain
drawing (see lms.authoring.svg), and HTML is refused. Files are stored by SHA-256 under
server-chosen names and served by lms.catalog.views.media with nosniff and a sandboxing CSP.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from lms.authoring.svg import SvgRefused, check_svg
from lms.catalog.models import MediaAsset
from lms.core.text import fold_diacritics, nfc
from lms.extensions import db

MB = 1024 * 1024
# What a teacher may upload for each use, and how large it may be before any re-encoding.
LIMITS = {
    "image": 8 * MB,
    "audio": 20 * MB,
    "video": 60 * MB,
    "slides": 20 * MB,
    "captions": 1 * MB,
}
KIND_FORMATS = {
    "image": ("png", "jpg", "webp", "gif", "svg"),
    "audio": ("mp3", "ogg", "wav", "m4a"),
    "video": ("mp4", "webm"),
    "slides": ("pdf",),
    "captions": ("vtt",),
}
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "svg": "image/svg+xml",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "pdf": "application/pdf",
    "vtt": "text/vtt",
}
FORMAT_LABELS = {
    "png": "ảnh PNG",
    "jpg": "ảnh JPEG",
    "webp": "ảnh WebP",
    "gif": "ảnh GIF",
    "svg": "hình vẽ SVG",
    "mp3": "âm thanh MP3",
    "ogg": "âm thanh OGG",
    "wav": "âm thanh WAV",
    "m4a": "âm thanh M4A",
    "mp4": "video MP4",
    "webm": "video WebM",
    "pdf": "tài liệu PDF",
    "vtt": "phụ đề WebVTT",
    "html": "trang HTML",
    "xml": "tệp XML",
    "zip": "tệp nén ZIP",
    "exe": "chương trình chạy được",
}
KIND_LABELS = {
    "image": "ảnh (PNG, JPEG, WebP, GIF, SVG)",
    "audio": "âm thanh (MP3, OGG, WAV, M4A)",
    "video": "video (MP4, WebM)",
    "slides": "bài trình chiếu PDF",
    "captions": "phụ đề WebVTT (.vtt)",
}
MAX_PIXELS = 40_000_000  # larger pictures are refused before decoding (decompression bombs)
MAX_SIDE = 2000  # longer sides are scaled down: lessons are read on phones


class UploadRefused(ValueError):
    """An upload broke a rule; the message says which, in Vietnamese, for the teacher."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: the bytes to store and what they are."""

    data: bytes
    extension: str
    content_type: str
    kind: str


def _ftyp_brand(data: bytes) -> str | None:
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return data[8:12].decode("latin-1")
    return None


def _is_mp3(data: bytes) -> bool:
    if data[:3] == b"ID3":
        return True
    # An MPEG audio frame header: 11 sync bits, a version, and layer I-III (not 00, used by AAC).
    return len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0 and data[1] & 0x06 != 0


_MARKUP = re.compile(rb"^\s*<", re.DOTALL)
_SVG_ROOT = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype[^>]*>\s*)?<svg[\s>]", re.I | re.S
)
_HTML_WORDS = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|iframe|meta)\b", re.I)


def sniff(data: bytes) -> str | None:
    """Return what the bytes are ("png", "mp3", "html", ...) by their content, or None."""
    head = data[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"OggS"):
        return "ogg"
    if stripped.startswith(b"WEBVTT") and stripped[6:7] in (b"", b" ", b"\t", b"\n", b"\r"):
        return "vtt"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else None
    brand = _ftyp_brand(head)
    if brand is not None:
        return "m4a" if brand in ("M4A ", "M4B ") else "mp4"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith((b"MZ", b"\x7fELF")):
        return "exe"
    if _MARKUP.match(stripped):
        if _SVG_ROOT.match(stripped):
            return "svg"  # whatever it holds is judged by lms.authoring.svg
        return "html" if _HTML_WORDS.search(head) else "xml"
    if _is_mp3(head):
        return "mp3"
    return None


def _size_text(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",") + " MB"


def _reencode_image(data: bytes, target: str) -> tuple[bytes, str]:
    """Decode a raster image and encode it again as target (png, jpg, webp or gif)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise UploadRefused(
                        _(
                            "Ảnh quá lớn (%(w)d×%(h)d điểm ảnh). Hãy thu nhỏ ảnh rồi tải lên lại.",
                            w=width,
                            h=height,
                        )
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.seek(0)  # an animated GIF keeps its first frame
                image = ImageOps.exif_transpose(opened)
                image.load()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Warning) as exc:
        raise UploadRefused(_("Tệp ảnh bị hỏng hoặc không đọc được.")) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if target == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif target == "webp":
        image.save(out, "WEBP", quality=85)
    elif target == "gif":
        image.convert("P").save(out, "GIF")
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue(), target


def check_upload(data: bytes, kind: str) -> CheckedFile:
    """Return the file made safe to store for this use, or raise UploadRefused."""
    if kind not in LIMITS:
        raise UploadRefused(_("Loại tệp không được hỗ trợ."))
    if not data:
        raise UploadRefused(_("Tệp trống. Hãy chọn lại tệp."))
    limit = LIMITS[kind]
    if len(data) > limit:
        raise UploadRefused(
            _(
                "Tệp quá lớn: %(size)s. Giới hạn cho %(kind)s là %(limit)s.",
                size=_size_text(len(data)),
                kind=KIND_LABELS[kind],
                limit=_size_text(limit),
            )
        )
    found = sniff(data)
    if found not in KIND_FORMATS[kind]:
        what = FORMAT_LABELS.get(found or "", "") or _("một loại tệp không nhận ra")
        raise UploadRefused(
            _(
                "Nội dung tệp là %(what)s, không phải %(kind)s. "
                "Hệ thống kiểm tra nội dung tệp, không dựa vào tên hay đuôi tệp.",
                what=what,
                kind=KIND_LABELS[kind],
            )
        )
    extension = found
    if found == "svg":
        try:
            check_svg(data)
        except SvgRefused as exc:
            raise UploadRefused(_("Hình SVG không an toàn: %(why)s", why=str(exc))) from exc
    elif found == "vtt":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UploadRefused(_("Tệp phụ đề cần được mã hoá UTF-8.")) from exc
    elif kind == "image":
        # A GIF becomes a PNG: one still picture, smaller, and no animation to distract.
        data, extension = _reencode_image(data, "png" if found == "gif" else found)
    return CheckedFile(data, extension, CONTENT_TYPES[extension], kind)


_SAME_FORMAT = {"jpeg": "jpg", "oga": "ogg"}


def check_package_file(data: bytes, relative: str) -> bytes:
    """Return a package's media file made safe (as check_upload), keeping its name's format.

    A file whose content is not what its name says is refused: lessons refer to it by name."""
    extension = _SAME_FORMAT.get(
        relative.rsplit(".", 1)[-1].lower(), relative.rsplit(".", 1)[-1].lower()
    )
    kind = kind_of_format(extension)
    if kind is None:
        raise UploadRefused(_("%(file)s: loại tệp không được hỗ trợ.", file=relative))
    try:
        checked = check_upload(data, kind)
    except UploadRefused as exc:
        raise UploadRefused(f"{relative}: {exc}") from exc
    if sniff(data) != extension:
        raise UploadRefused(
            _(
                "%(file)s: nội dung là %(what)s, không khớp với đuôi tệp.",
                file=relative,
                what=FORMAT_LABELS.get(sniff(data) or "", "?"),
            )
        )
    if kind == "image" and extension != "svg":
        return _reencode_image(data, extension)[0]
    return checked.data


def kind_of_format(extension: str) -> str | None:
    """Return the use (image, audio, video, slides) a file format belongs to."""
    return next((kind for kind, formats in KIND_FORMATS.items() if extension in formats), None)


def store_file(checked: CheckedFile) -> MediaAsset:
    """Store checked bytes once under instance/media by SHA-256; return the asset row."""
    digest = hashlib.sha256(checked.data).hexdigest()
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == digest))
    if asset is None:
        asset = MediaAsset(
            sha256=digest,
            extension=checked.extension,
            content_type=checked.content_type,
            size=len(checked.data),
        )
        db.session.add(asset)
        db.session.flush()
    target = Path(current_app.config["MEDIA_ROOT"]) / digest[:2] / asset.filename
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        temporary.write_bytes(checked.data)
        temporary.replace(target)
    return asset


def package_name(original: str, checked: CheckedFile) -> str:
    """Return a server-chosen file name for a package: a slug of the name and a short hash."""
    stem = Path(nfc(original or "")).stem
    slug = re.sub(r"[^a-z0-9]+", "-", fold_diacritics(stem).lower()).strip("-")[:40].strip("-")
    short = hashlib.sha256(checked.data).hexdigest()[:8]
    return f"{slug or checked.kind}-{short}.{checked.extension}"
