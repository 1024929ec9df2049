"""Template helpers for review pages: amounts as printed, with the yuan value on hover."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from review.formatting import figure as figure_text
from review.formatting import printed, signed, yuan

register = template.Library()


@register.simple_tag
def amount(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    return format_html('<span class="amount" title="{}">{}</span>', yuan(value), printed(value, unit))


@register.simple_tag
def change_amount(value: Decimal | None, unit: str) -> str:
    """A change in the printed unit with its sign (``+72.30``, ``-5.00``), the yuan value on hover."""
    if value is None:
        return ""
    return format_html('<span class="amount" title="{}">{}</span>', yuan(value), signed(value, unit))


@register.simple_tag
def figure(text: str, unit: str | None) -> str:
    """A finding's printed or expected figure in its table's unit (``—`` when there is none)."""
    return figure_text(text, unit or "") or "—"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
