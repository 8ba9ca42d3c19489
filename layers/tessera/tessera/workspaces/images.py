"""What an uploaded logo or avatar really is: its format told by its first bytes (Pillow reads the magic,
not the name or the declared type), its dimensions, and that it decodes whole.

SVG is refused: an SVG is a document that can carry scripts and external references, and the widget's
assets are served from the platform's own domain (CloudFront `/widgets/*`), where a script would run as
the app. Sanitizing SVG needs a maintained sanitizer; the platform has none, and PNG, JPEG and WebP cover
a logo and a photo."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
MIN_SIDE = 16
MAX_SIDE = 4096


class NotAnImage(ValueError):
    """Why the bytes are not an acceptable image, as a code for the answer: `not-an-image`,
    `type-mismatch`, `too-small`, `too-big`, `damaged`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int


def inspect(data: bytes, declared_type: str) -> ImageInfo:
    """The image if `data` is a PNG, JPEG or WebP of the declared type, each side 16 … 4096 px, decoding
    whole; `NotAnImage` otherwise. The sides are checked from the header before anything is decoded, so a
    decompression bomb is refused without expanding it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS.values()))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NotAnImage("not-an-image") from None
    with image:
        if image.format != FORMATS.get(declared_type):
            raise NotAnImage("type-mismatch")
        width, height = image.size
        if min(width, height) < MIN_SIDE:
            raise NotAnImage("too-small")
        if max(width, height) > MAX_SIDE:
            raise NotAnImage("too-big")
        try:
            image.load()
        except (OSError, SyntaxError, ValueError):
            raise NotAnImage("damaged") from None
    return ImageInfo(declared_type, width, height)
