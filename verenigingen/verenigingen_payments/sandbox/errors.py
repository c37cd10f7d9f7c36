"""Mollie's error body: status, title, detail, optional field, and a documentation link."""

from __future__ import annotations

from http import HTTPStatus

from .render_common import doc_link


class ApiError(Exception):
    def __init__(self, status: int, detail: str, field: str | None = None, headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field, self.headers = status, detail, field, headers or {}

    def body(self) -> dict:
        return error_body(self.status, self.detail, self.field)


def error_body(status: int, detail: str, field: str | None = None) -> dict:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    out = {"status": status, "title": title, "detail": detail}
    if field:
        out["field"] = field
    out["_links"] = {"documentation": doc_link("handling-errors")}
    return out


def not_found(kind: str, ident: str) -> ApiError:
    return ApiError(404, f"No {kind} exists with token {ident}.")


def invalid(field: str, detail: str) -> ApiError:
    return ApiError(422, detail, field=field)
