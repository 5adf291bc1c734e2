"""Coupon codes as QR codes and barcodes, under signed, installation-scoped URLs."""

from __future__ import annotations

import struct
import zlib

import segno
from barcode import Code128
from django.core import signing

from saleor_mautomation.messages import codes
from saleor_mautomation.messages.tokens import click_token
from tests.contacts.factories import make_shop

CODE = "SHOP-7KQ2-M9XD"


def png_pixels(data: bytes) -> list[list[int]]:
    """The rows of a 1-bit greyscale PNG as 0 (dark) and 1 (light), read with zlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, dict[bytes, bytes]()
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        offset += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (1, 0)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = (width + 7) // 8
    rows = []
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        assert line[0] == 0  # no filter
        bits = "".join(f"{byte:08b}" for byte in line[1:])[:width]
        rows.append([int(bit) for bit in bits])
    return rows


def token_for(installation_id, code=CODE):
    return codes.coupon_token(installation_id=installation_id, code=code)


def test_the_qr_png_is_segnos_qr_code_at_6_pixels_a_module(db):
    # when
    rows = png_pixels(codes.qr_png(CODE))

    # then: a regular QR code (not a Micro QR), every module as segno made it
    qr = segno.make_qr(CODE, error="m")
    assert not qr.is_micro
    matrix = [list(row) for row in qr.matrix_iter(border=4)]
    assert len(rows) == len(matrix) * 6
    assert rows == [
        [0 if module else 1 for module in row for _ in range(6)] for row in matrix for _ in range(6)
    ]


def test_the_barcode_png_is_the_code_128_modules_with_quiet_zones():
    # when
    rows = png_pixels(codes.barcode_png(CODE))

    # then: 80 identical rows; 10 light modules, the bars, 10 light modules, 2 pixels each
    modules = Code128(CODE).build()[0]
    assert modules.startswith("11010010000")  # START B
    assert modules.endswith("1100011101011")  # STOP
    expected = [1] * 20 + [0 if m == "1" else 1 for m in modules for _ in range(2)] + [1] * 20
    assert len(rows) == 80
    assert all(row == expected for row in rows)


def test_a_code_beyond_ascii_gets_no_barcode_but_a_qr_code():
    # when
    context = codes.with_code_images(
        {"voucher": {"code": "GRÜN-10"}}, installation_id=7, app_url="https://app.example/"
    )

    # then
    voucher = context["voucher"]
    assert voucher["barcode_url"] == ""
    assert voucher["qr_url"].endswith("/qr.png")


def test_with_code_images_adds_the_signed_urls_and_leaves_the_context_alone():
    # given
    given = {"voucher": {"code": CODE, "description": "-10%"}, "shop": {"name": "Linden"}}

    # when
    context = codes.with_code_images(given, installation_id=7, app_url="https://app.example/")

    # then
    token = token_for(7)
    assert context == {
        "voucher": {
            "code": CODE,
            "description": "-10%",
            "qr_url": f"https://app.example/v/{token}/qr.png",
            "barcode_url": f"https://app.example/v/{token}/barcode.png",
            "print_url": f"https://app.example/v/{token}",
        },
        "shop": {"name": "Linden"},
    }
    assert given == {"voucher": {"code": CODE, "description": "-10%"}, "shop": {"name": "Linden"}}
    assert codes.with_code_images({"voucher": None}, installation_id=7, app_url="x") == {
        "voucher": None
    }


def test_the_images_are_served_with_a_years_cache(client, db):
    # given
    shop = make_shop("linden")
    token = token_for(shop.pk)

    # when
    responses = {
        path: client.get(f"/v/{token}/{path}")
        for path in ("qr.png", "qr.svg", "barcode.png", "barcode.svg")
    }

    # then
    assert {path: r.status_code for path, r in responses.items()} == dict.fromkeys(responses, 200)
    assert {path: r["Content-Type"] for path, r in responses.items()} == {
        "qr.png": "image/png",
        "qr.svg": "image/svg+xml",
        "barcode.png": "image/png",
        "barcode.svg": "image/svg+xml",
    }
    assert {r["Cache-Control"] for r in responses.values()} == {
        "public, max-age=31536000, immutable"
    }
    assert responses["qr.png"].content == codes.qr_png(CODE)
    assert responses["barcode.svg"].content == codes.barcode_svg(CODE)
    assert responses["qr.svg"].content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


def test_a_tampered_truncated_or_foreign_token_is_404(client, db):
    # given
    shop = make_shop("linden")
    gone = make_shop("gone")
    gone_token = token_for(gone.pk)
    gone.delete()
    uninstalled = make_shop("left")
    uninstalled.status = "uninstalled"
    uninstalled.save()
    good = token_for(shop.pk)
    signature = good.split(":")[1]
    other_code = token_for(shop.pk, "FREE-100").split(":")[0]
    bad = {
        "tampered": f"{other_code}:{signature}",
        "truncated": good[:-3],
        "another salt": click_token(shop.pk, "https://shop.example/"),
        "another secret": signing.Signer(key="not-ours", salt=codes.COUPON_SALT).sign_object(
            {"i": shop.pk, "c": CODE}
        ),
        "installation gone": gone_token,
        "installation uninstalled": token_for(uninstalled.pk),
    }

    # when
    statuses = {
        name: [client.get(f"/v/{t}").status_code, client.get(f"/v/{t}/qr.png").status_code]
        for name, t in bad.items()
    }

    # then
    assert statuses == {name: [404, 404] for name in bad}
    assert client.get(f"/v/{good}/qr.gif").status_code == 404
    assert client.get(f"/v/{good}/logo.png").status_code == 404
    assert client.get(f"/v/{good}/qr.png")["Cache-Control"].startswith("public")
    assert client.get(f"/v/{bad['tampered']}/qr.png")["Cache-Control"] == "no-store"


def test_the_printable_page_shows_the_code_and_its_images_in_the_browsers_language(client, db):
    # given
    shop = make_shop("linden")
    token = token_for(shop.pk)

    # when
    english = client.get(f"/v/{token}")
    german = client.get(f"/v/{token}", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")

    # then
    assert english.status_code == 200
    html = english.content.decode()
    assert f'<p class="code">{CODE}</p>' in html
    assert f'<img src="/v/{token}/qr.svg" alt="QR code of {CODE}"' in html
    assert f'<img src="/v/{token}/barcode.svg" alt="Barcode of {CODE}"' in html
    assert "<title>Your coupon | Linden</title>" in html
    assert english["Cache-Control"] == "private, max-age=86400"
    assert "img-src 'self'" in english["Content-Security-Policy"]
    assert "<title>Ihr Gutschein | Linden</title>" in german.content.decode()


def test_a_code_without_a_barcode_has_no_barcode_on_its_page_and_no_barcode_image(client, db):
    # given
    shop = make_shop("linden")
    token = token_for(shop.pk, "GRÜN-10")

    # when
    page = client.get(f"/v/{token}").content.decode()
    image = client.get(f"/v/{token}/barcode.png")

    # then
    assert "barcode.svg" not in page
    assert "qr.svg" in page
    assert image.status_code == 404
