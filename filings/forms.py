"""The upload form (many PDFs or zips in one go) and the forms that give a document's facts by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budget_filing.kinds import STAGE_LABELS
from budget_filing.text import squash

# Budget years before this are not filed here; a filing may be made up to two years ahead.
FIRST_YEAR = 2000
YEARS_AHEAD = 2


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


class DepartmentField(forms.CharField):
    """A department typed as free text; the page offers the known ones as suggestions."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("部门"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("error_messages", {"required": _("请填写部门名称。")})
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"list": "department-names", "autocomplete": "off", "class": "form-control"}
            ),
        )
        super().__init__(**kwargs)
        self.error_messages["max_length"] = _("部门名称不能超过 %(limit_value)d 个字。")

    def clean(self, value: Any) -> str:
        # Spaces are dropped as the parser drops them, so a typed name matches the known one.
        name = squash(super().clean(value))
        if self.required and not name:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return name


class DocumentDetailsForm(forms.Form):
    """The facts a parse could not read; only the missing ones are asked for."""

    department = DepartmentField(help_text=_("填写文件所属的一级部门全称，可从已有部门中选择。"))
    year = forms.IntegerField(
        label=_("年度"),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        error_messages={"required": _("请填写年度。"), "invalid": _("年度须为四位数字，例如 2025。")},
    )
    stage = forms.ChoiceField(
        label=_("预算阶段"),
        choices=[("", _("——请选择——")), *STAGE_LABELS.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("请选择预算阶段。"),
            "invalid_choice": _("预算阶段只能是年初预算、预算调整或决算。"),
        },
    )

    def __init__(self, *args: Any, missing: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in missing:
                del self.fields[name]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        last = timezone.localdate().year + YEARS_AHEAD
        if not FIRST_YEAR <= year <= last:
            raise forms.ValidationError(
                _("年度应在 %(first)d 至 %(last)d 之间。"), params={"first": FIRST_YEAR, "last": last}
            )
        return year


class DepartmentCorrectionForm(forms.Form):
    department = DepartmentField(
        label=_("正确的部门"), help_text=_("整份预算文件（连同其表格、异常、标记和评论）将移到该部门。")
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_department(self) -> str:
        name = self.cleaned_data["department"]
        if name == self.current:
            raise forms.ValidationError(_("填写的部门与当前部门相同。"))
        return name
