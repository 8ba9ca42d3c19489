"""An uploaded image is told by its bytes: format, sides, whole."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tessera.workspaces.images import NotAnImage, inspect


def encoded(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that claims a huge image, with almost no data: a decompression bomb's shape."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("content_type", "fmt"), [("image/png", "PNG"), ("image/jpeg", "JPEG"),
                                                   ("image/webp", "WEBP")])
def test_each_accepted_format_with_its_sides(content_type: str, fmt: str) -> None:
    info = inspect(encoded(fmt), content_type)
    assert (info.content_type, info.width, info.height) == (content_type, 64, 48)


@pytest.mark.parametrize(("data", "declared", "reason"), [
    (encoded("PNG"), "image/jpeg", "type-mismatch"),
    (encoded("GIF"), "image/png", "not-an-image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png", "not-an-image"),
    (encoded("PNG", (15, 200)), "image/png", "too-small"),
    (png_claiming(5000, 100), "image/png", "too-big"),
    (png_claiming(100_000, 100_000), "image/png", "not-an-image"),  # Pillow's bomb guard, before any decoding
    (png_claiming(64, 64), "image/png", "damaged"),
])
def test_what_is_refused_and_why(data: bytes, declared: str, reason: str) -> None:
    with pytest.raises(NotAnImage) as refused:
        inspect(data, declared)
    assert refused.value.reason == reason
