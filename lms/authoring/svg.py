"""Accepting SVG only when it is plain drawing: no script, events, foreign content or links out.

An SVG is refused rather than rewritten: a teacher then knows the file they see is the file
learners get. Allowed are the drawing elements and presentation attributes of SVG 1.1; a
document type, entities, processing instructions other than the XML declaration, <script>,
<foreignObject>, <style> with url(), event attributes, and references that leave the file
(anything but "#id") are refused. The file is still served with a sandboxing CSP.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
# Drawing programs' own namespaces: browsers give their elements no behaviour.
EDITOR_NAMESPACES = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://creativecommons.org/ns#",
    }
)
ALLOWED_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "defs",
        "desc",
        "title",
        "metadata",
        "symbol",
        "use",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "marker",
        "filter",
        "feGaussianBlur",
        "feOffset",
        "feBlend",
        "feFlood",
        "feComposite",
        "feMerge",
        "feMergeNode",
        "feColorMatrix",
        "feDropShadow",
        "switch",
    }
)
# Attributes are checked by pattern: presentation and geometry names, never "on...".
_SAFE_ATTRIBUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9:_-]*$")
_URL_IN_STYLE = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.I)
_DANGEROUS_STYLE = re.compile(r"(@import|expression\s*\(|javascript:|behavior\s*:)", re.I)


class SvgRefused(ValueError):
    """An SVG holds something that could run or load content; the message says what."""


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _check_attribute(name: str, value: str) -> None:
    namespace, local = _local(name)
    if local.lower().startswith("on"):
        raise SvgRefused(f"thuộc tính sự kiện '{local}'")
    if not _SAFE_ATTRIBUTE.match(local):
        raise SvgRefused(f"thuộc tính lạ '{local}'")
    if local == "href" and not value.strip().startswith("#"):
        raise SvgRefused("liên kết ra ngoài tệp")
    loads = _URL_IN_STYLE.search(value) or _DANGEROUS_STYLE.search(value)
    if loads and local in ("style", "fill", "stroke", "filter", "mask", "clip-path"):
        raise SvgRefused(f"giá trị '{local}' tải nội dung bên ngoài")
    if "javascript:" in value.replace(" ", "").lower():
        raise SvgRefused("địa chỉ javascript:")


def check_svg(data: bytes) -> None:
    """Raise SvgRefused unless data is an SVG drawing with nothing active in it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SvgRefused("tệp không mã hoá UTF-8") from exc
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise SvgRefused("có khai báo DOCTYPE hoặc ENTITY")
    if re.search(r"<\?(?!xml\s)", text):
        raise SvgRefused("có chỉ thị xử lý")
    try:
        # DOCTYPE and ENTITY were refused above, so no entity expansion can happen here.
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as exc:
        raise SvgRefused("không phải XML hợp lệ") from exc
    if _local(root.tag) != (SVG_NS, "svg"):
        raise SvgRefused("phần tử gốc không phải <svg>")
    for element in root.iter():
        namespace, local = _local(str(element.tag))
        if namespace in EDITOR_NAMESPACES:
            continue
        if namespace != SVG_NS:
            raise SvgRefused(f"phần tử <{local}> không thuộc SVG")
        if local not in ALLOWED_ELEMENTS and local != "style":
            raise SvgRefused(f"phần tử <{local}> không được phép")
        if local == "style":
            css = element.text or ""
            if _URL_IN_STYLE.search(css) or _DANGEROUS_STYLE.search(css):
                raise SvgRefused("khối <style> tải nội dung bên ngoài")
        for name, value in element.attrib.items():
            _check_attribute(name, value)
