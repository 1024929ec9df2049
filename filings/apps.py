"""App configuration for filings."""

from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = "预算文件"
