"""Dashboard filters (django-filter): department, year, status, open errors, and a search box."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from filings.models import Department, Filing


class FilingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="搜索")
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label="部门", empty_label="全部部门"
    )
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(choices=Filing.Status.choices, label="状态", empty_label="全部状态")
    has_open_errors = django_filters.BooleanFilter(method="filter_open_errors", label="有未处理错误")

    class Meta:
        model = Filing
        fields = ["q", "department", "year", "status", "has_open_errors"]

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = departments
        for name, field in self.form.fields.items():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if name != "q" and name != "year"
                else "form-control form-control-sm",
            )

    def search(self, queryset: QuerySet[Filing], name: str, value: str) -> QuerySet[Filing]:
        value = value.strip()
        if not value:
            return queryset
        condition = Q(department__name__icontains=value) | Q(documents__original_filename__icontains=value)
        # A year is four ASCII digits: "²" and "١٢" pass isdigit(), and a long number overflows.
        if len(value) == 4 and value.isascii() and value.isdigit():
            condition |= Q(year=int(value))
        return queryset.filter(condition).distinct()

    def filter_open_errors(
        self, queryset: QuerySet[Filing], name: str, value: bool | None
    ) -> QuerySet[Filing]:
        if value is None:
            return queryset
        return queryset.filter(open_errors__gt=0) if value else queryset.filter(open_errors=0)
