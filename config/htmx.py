"""The request type of a view that reads django-htmx's ``request.htmx`` (set by its middleware).

django-htmx documents this pattern for type checkers: the middleware adds the attribute at run
time, and views that read it annotate their request with this class.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
