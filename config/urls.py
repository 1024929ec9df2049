"""Root URLs. Every page needs a login (LoginRequiredMiddleware) except the login page."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.forms import LoginForm
from filings import views as filings_views

urlpatterns = [
    path("", filings_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("filings.urls")),
    path("", include("review.urls")),
]
