"""A voucher code as a QR code and a Code 128 barcode, served by the app under signed URLs.

A coupon's URLs carry a token that signs the installation and the code (Django's ``Signer``,
one salt for coupons, no timestamp: a coupon in an old email still scans at the till). The
views answer only what the token signs, so a URL is never a way to render an arbitrary text,
and a token of an installation that is gone (or not this deployment's) answers 404.

Images: QR codes are made by segno (a regular QR code, never a Micro QR that phones' cameras
do not read), barcodes are encoded by python-barcode (Code 128, with its code set switching
and check digit). Both are drawn here to PNG (zlib, no Pillow: mail clients such as Gmail and
Outlook show no SVG in an email) and to SVG (the printable coupon page: sharp at any size).
A code Code 128 cannot carry (beyond ASCII) gets no barcode: ``barcode_url`` is empty.

``with_code_images`` adds ``qr_url``, ``barcode_url`` and ``print_url`` to the ``voucher`` of
a message's context, where the code is known: at sending (the run's context gave it).
"""

from __future__ import annotations

import functools
import logging
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import segno
from django.core import signing

from saleor_mautomation.core.errors import PermanentError

# python-barcode says at import, on every process's start, that it draws no images without
# Pillow: we only encode with it (and draw ourselves), so that line is noise.
logging.getLogger("pyBarcode").setLevel(logging.WARNING)
from barcode import Code128  # noqa: E402
from barcode.errors import BarcodeError  # noqa: E402

COUPON_SALT = "mautomation.coupon"
COUPON_PATH = "/v/"  # api.views.codes
MAX_CODE = 64  # characters: Saleor's voucher codes are at most 255; a till's scanner less
QR_SCALE, QR_BORDER = 6, 4  # pixels per module; modules of quiet zone (the standard's 4)
BAR_WIDTH, BAR_HEIGHT, BAR_QUIET = 2, 80, 10  # pixels per module; bar height; quiet modules

Kind = Literal["qr", "barcode"]
Format = Literal["png", "svg"]


class CouponTokenInvalid(PermanentError):
    """A coupon token that is not ours (tampered, truncated, another salt or deployment)."""

    code = "coupon_token_invalid"


@dataclass(frozen=True)
class Coupon:
    installation_id: int
    code: str


def coupon_token(*, installation_id: int, code: str) -> str:
    """Signs ``{"i": installation_id, "c": code}``."""
    return signing.Signer(salt=COUPON_SALT).sign_object({"i": installation_id, "c": code})


def coupon_from_token(token: str) -> Coupon:
    try:
        payload = signing.Signer(salt=COUPON_SALT).unsign_object(token)
    except signing.BadSignature as exc:
        raise CouponTokenInvalid("This link is not valid") from exc
    if (
        not isinstance(payload, dict)
        or type(payload.get("i")) is not int
        or not isinstance(payload.get("c"), str)
        or not 0 < len(payload["c"]) <= MAX_CODE
    ):
        raise CouponTokenInvalid("This link is not valid")
    return Coupon(installation_id=payload["i"], code=payload["c"])


def barcode_modules(code: str) -> str | None:
    """The Code 128 modules of ``code`` ("1" a bar, "0" a space), None when it cannot be
    encoded (a character beyond ASCII, or nothing to encode)."""
    if not code:
        return None
    try:
        return str(Code128(code).build()[0])
    except BarcodeError:
        return None


def with_code_images(
    context: dict[str, Any], *, installation_id: int, app_url: str
) -> dict[str, Any]:
    """``context`` with the voucher's image and page URLs, when it has a voucher with a code
    (a new dict: the context given may be shared and frozen)."""
    voucher = context.get("voucher")
    if not isinstance(voucher, dict) or not isinstance(voucher.get("code"), str):
        return context
    code = voucher["code"]
    if not 0 < len(code) <= MAX_CODE:
        return context
    token = coupon_token(installation_id=installation_id, code=code)
    base = f"{app_url.rstrip('/')}{COUPON_PATH}{token}"
    urls = {
        "qr_url": f"{base}/qr.png",
        "barcode_url": f"{base}/barcode.png" if barcode_modules(code) else "",
        "print_url": base,
    }
    return {**context, "voucher": {**voucher, **urls}}


# -- drawing ------------------------------------------------------------------------------------


def _png(rows: Sequence[bytes], width: int) -> bytes:
    """A 1-bit greyscale PNG of ``rows`` (each ``width`` pixels, packed 8 to a byte, 1 white)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, len(rows), 1, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every scanline
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _packed(dark: Sequence[bool], scale: int) -> bytes:
    """One scanline: each module ``scale`` pixels wide, dark 0 and light 1, packed to bytes."""
    bits = "".join(("0" if module else "1") * scale for module in dark)
    bits += "1" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""


def _qr_matrix(code: str) -> list[list[bool]]:
    qr = segno.make_qr(code, error="m")
    return [[bool(module) for module in row] for row in qr.matrix_iter(border=QR_BORDER)]


def _bars(code: str) -> list[bool]:
    modules = barcode_modules(code)
    if modules is None:
        raise CouponTokenInvalid("This code has no barcode")
    quiet = [False] * BAR_QUIET
    return quiet + [module == "1" for module in modules] + quiet


def qr_png(code: str) -> bytes:
    matrix = _qr_matrix(code)
    rows = [line for row in matrix for line in [_packed(row, QR_SCALE)] * QR_SCALE]
    return _png(rows, len(matrix[0]) * QR_SCALE)


def barcode_png(code: str) -> bytes:
    bars = _bars(code)
    return _png([_packed(bars, BAR_WIDTH)] * BAR_HEIGHT, len(bars) * BAR_WIDTH)


def _svg(width: int, height: int, path: str, label: str, scale: int) -> bytes:
    """``path`` drawn in modules (``width`` by ``height``), shown ``scale`` pixels a module."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width * scale}" height="{height * scale}" role="img" '
        'shape-rendering="crispEdges">'
        f"<title>{label}</title>"
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    ).encode()


def _runs(dark: Sequence[bool]) -> list[tuple[int, int]]:
    """The dark runs of a row as (start, length)."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, module in enumerate([*dark, False]):
        if module and start is None:
            start = index
        elif not module and start is not None:
            runs.append((start, index - start))
            start = None
    return runs


def qr_svg(code: str) -> bytes:
    matrix = _qr_matrix(code)
    path = "".join(
        f"M{x} {y}h{length}v1h-{length}z"
        for y, row in enumerate(matrix)
        for x, length in _runs(row)
    )
    size = len(matrix)
    return _svg(size, size, path, "QR code", QR_SCALE)


def barcode_svg(code: str) -> bytes:
    bars = _bars(code)
    height = BAR_HEIGHT // BAR_WIDTH
    path = "".join(f"M{x} 0h{length}v{height}h-{length}z" for x, length in _runs(bars))
    return _svg(len(bars), height, path, "Barcode", BAR_WIDTH)


@functools.lru_cache(maxsize=512)  # a mail's images are fetched at each open, by each proxy
def code_image(code: str, kind: Kind, fmt: Format) -> bytes:
    """The image of ``code``; ``CouponTokenInvalid`` for a barcode Code 128 cannot carry."""
    if kind == "qr":
        return qr_png(code) if fmt == "png" else qr_svg(code)
    return barcode_png(code) if fmt == "png" else barcode_svg(code)
