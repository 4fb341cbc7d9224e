"""Media the fake "downloads": only URLs a test registered, with their declared size and MIME type.

Telegram fetches a photo/video URL itself; a URL it cannot fetch, or one over 5 MB (photos) or
20 MB (other media), fails with ``failed to get HTTP URL content``; a wrong MIME type fails with
``wrong type of the web page content``. Inside an album the server reports TDLib's raw code
(``WEBPAGE_CURL_FAILED``) in ``failed to send message #N with the error message "…"``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
URL_LIMIT = {"photo": 5 * MB}
UPLOAD_LIMIT = {"photo": 10 * MB}
MIME_OK = {
    "photo": {"image/jpeg", "image/png", "image/webp"},
    "video": {"video/mp4"},
    "document": {"application/pdf", "application/zip"},
    "audio": {"audio/mpeg", "audio/mp4", "audio/ogg"},
}
FRIENDLY = {
    "WEBPAGE_CURL_FAILED": "failed to get HTTP URL content",
    "WEBPAGE_MEDIA_EMPTY": "wrong type of the web page content",
}


@dataclass(frozen=True)
class WebMedia:
    """A file the fake pretends to find at ``url``."""

    url: str
    mime: str
    size: int
    width: int = 1280
    height: int = 720
    duration: int = 10


class MediaError(Exception):
    """``code`` is TDLib's raw message; ``message`` what the Bot API says for a single send."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or FRIENDLY.get(code, code)


class MediaStore:
    """Registered URLs, uploads and the ``file_id`` values the fake has handed out."""

    def __init__(self) -> None:
        self._web: dict[str, WebMedia] = {}
        self._files: dict[str, tuple[str, WebMedia]] = {}
        self._ids = itertools.count(1)

    def add(self, media: WebMedia) -> None:
        self._web[media.url] = media

    def resolve(
        self, kind: str, value: Any, uploads: dict[str, bytes]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return (the Bot API object for ``kind``, a record of where it came from)."""
        if isinstance(value, bytes | bytearray):
            return self._upload(kind, bytes(value))
        value = str(value)
        if value.startswith("attach://"):
            part = uploads.get(value[len("attach://") :])
            if part is None:
                raise MediaError("media not found", "wrong file identifier/HTTP URL specified")
            return self._upload(kind, part)
        if value.startswith(("http://", "https://")):
            return self._fetch(kind, value)
        known = self._files.get(value)
        if known is None or known[0] != kind:
            raise MediaError("MEDIA_EMPTY", "wrong file identifier/HTTP URL specified")
        return self._object(kind, known[1], value), {"file_id": value}

    def _fetch(self, kind: str, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
        media = self._web.get(url)
        if media is None or media.size > URL_LIMIT.get(kind, 20 * MB):
            raise MediaError("WEBPAGE_CURL_FAILED")
        if media.mime not in MIME_OK[kind]:
            raise MediaError("WEBPAGE_MEDIA_EMPTY")
        if kind == "photo" and not _photo_dimensions_ok(media.width, media.height):
            raise MediaError("PHOTO_INVALID_DIMENSIONS")
        return self._object(kind, media, self._new_id(kind, media)), {"url": url, "mime": media.mime}

    def _upload(self, kind: str, data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
        if len(data) > UPLOAD_LIMIT.get(kind, 50 * MB):
            raise MediaError("FILE_PARTS_INVALID", "Request Entity Too Large")
        media = WebMedia(url="", mime="application/octet-stream", size=len(data))
        return self._object(kind, media, self._new_id(kind, media)), {"upload_bytes": len(data)}

    def _new_id(self, kind: str, media: WebMedia) -> str:
        file_id = f"fake-{kind}-{next(self._ids)}"
        self._files[file_id] = (kind, media)
        return file_id

    @staticmethod
    def _object(kind: str, media: WebMedia, file_id: str) -> dict[str, Any]:
        base = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": media.size}
        if kind == "photo":
            return {**base, "width": media.width, "height": media.height}
        if kind == "video":
            return {
                **base,
                "width": media.width,
                "height": media.height,
                "duration": media.duration,
                "mime_type": media.mime,
            }
        if kind == "audio":
            return {**base, "duration": media.duration, "mime_type": media.mime}
        return {**base, "mime_type": media.mime}


def _photo_dimensions_ok(width: int, height: int) -> bool:
    return width + height <= 10_000 and max(width, height) <= 20 * max(1, min(width, height))
