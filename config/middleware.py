"""Our own middleware: the language is Chinese unless chosen otherwise; signed-in pages are never cached."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class DefaultLanguageMiddleware:
    """LocaleMiddleware would follow Accept-Language; a bureau's staff expect zh-hans everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreForAuthenticatedMiddleware:
    """Pages for a signed-in user hold filings and names: no browser or proxy cache may keep them.

    A shared office PC's back button or disk cache must not show the last user's filings to the
    next. Set on every response to a request that was (or became) authenticated, over what a
    view chose, so no page can forget it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response
