"""The upload form: many PDFs or zips in one go."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.zip,application/pdf,application/zip"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        # Each file is judged on its own later (empty, not a PDF, too large), with a message
        # naming it; here only "nothing chosen" is an error.
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("选择文件"),
        help_text=_("可一次选择多个 PDF，或包含 PDF 的 .zip 压缩包；也可以把文件拖到这里。"),
        error_messages={"required": _("请至少选择一个文件。")},
    )
