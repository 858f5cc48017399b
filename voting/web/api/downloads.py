"""What a download is, for the OpenAPI document: the media types the API sends files in, and their description."""

from __future__ import annotations

from typing import Any

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def binary(media_type: str, description: str) -> dict[str, Any]:
    """The OpenAPI description of a download: a file of ``media_type``, named by Content-Disposition."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {"200": {"description": description, "content": content}}}
