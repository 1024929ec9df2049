"""App configurations of our own for third-party apps, to name them in Chinese in the admin."""

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes (the login lock) under a Chinese name; its models are named by locale/zh_Hans."""

    verbose_name = "登录保护"
