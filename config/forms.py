"""The login form, with the user name's length checked before anyone looks the name up.

AuthenticationForm sets the user name's max_length after the field is built, so only the
widget's maxlength enforces it; a longer name went on to authenticate(), and django-axes
failed to record it (its column holds 255 characters): a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(
            MaxLengthValidator(field.max_length, message=f"用户名不能超过 {field.max_length} 个字符。")
        )
