"""Forms of the review posts: what a flag or a comment may carry, checked before any lookup.

Ownership (the table, the thread belong to the filing) is the view's to check, with a 404; the
rules of the review (a note is needed, the filing is not signed) are the services'.
"""

from __future__ import annotations

from typing import Any

from django import forms

# The largest values the columns hold: a bigint id, a PostgreSQL integer row position.
MAX_ID = 2**63 - 1
MAX_ROW = 2**31 - 1


class ReviewForm(forms.Form):
    def first_error(self) -> str:
        return next(str(message) for errors in self.errors.values() for message in errors)


class FlagForm(ReviewForm):
    table = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": "没有指明要标记的表。",
            "invalid": "表的编号无效。",
            "min_value": "表的编号无效。",
            "max_value": "表的编号无效。",
        },
    )
    row = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ROW,
        error_messages={"invalid": "行号无效。", "min_value": "行号无效。", "max_value": "行号无效。"},
    )
    label = forms.CharField(required=False, strip=False)
    # An empty note is the service's to refuse, with the message the page has always shown.
    note = forms.CharField(required=False, strip=False)


class CommentForm(ReviewForm):
    thread = forms.CharField(
        max_length=720,
        error_messages={"required": "没有指明评论的对象。", "max_length": "评论的对象无效。"},
    )
    body = forms.CharField(required=False, strip=False)

    def thread_target(self) -> tuple[str, Any]:
        """("flag", its id) or ("finding", its place); ("", None) when the thread names neither."""
        kind, _, ref = self.cleaned_data["thread"].partition(":")
        if kind == "finding" and ref:
            return kind, ref
        if kind == "flag" and ref.isascii() and ref.isdigit() and 0 < int(ref) <= MAX_ID:
            return kind, int(ref)
        return "", None
