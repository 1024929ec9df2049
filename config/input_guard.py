"""Request input that no page can use is refused with a 400 that says why, in Chinese.

``InputGuardMiddleware`` answers a NUL byte in any GET or POST name or value with 400 before a
view runs (PostgreSQL refuses NUL in text, which made every text field a 500) — all but the
upload page's body, which that page refuses unread when it is too large — and turns an
``InvalidInput`` raised by a view into the same page with the view's own message.
``bounded_int`` reads one integer query parameter within bounds.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

NUL_MESSAGE = "请求中含有不允许的控制字符（NUL），未作处理。"


class InvalidInput(BadRequest):
    """A parameter or form field that no page sends; its message is shown to the user."""


def refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400_input.html", {"message": message}, status=400)


def _body_checked(request: HttpRequest) -> bool:
    """Every post's body but the upload page's: parsing that here would store its files before
    the page can refuse a body that is too large unread; it reads no text field anyway."""
    return request.method == "POST" and request.path != reverse("filings:upload")


def _has_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (_body_checked(request) and _has_nul(request.POST)):
            return refused(request, NUL_MESSAGE)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, InvalidInput):
            return refused(request, str(exception))
        return None


def bounded_int(params: QueryDict, name: str, *, default: int, low: int, high: int, message: str) -> int:
    """``params[name]`` as an integer in [low, high], ``default`` when absent; else InvalidInput.

    Only ASCII digits: ``int()`` would take ``١٢`` as 12, and ``²`` passes ``str.isdigit()``.
    """
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    digits = text[1:] if text[:1] == "-" else text
    # the length check keeps int() off a megabyte of digits
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 20) or not low <= int(text) <= high:
        raise InvalidInput(message)
    return int(text)
