"""Root URLs. Every page needs a login (LoginRequiredMiddleware) except the login page."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.forms import LoginForm
from filings import views as filings_views

# The admin is named as the site is (its pages end “· 预算审核”, templates/admin/base_site.html),
# not Django's “Django 站点管理员”.
admin.site.site_header = "预算审核 · 系统管理"
admin.site.site_title = "预算审核"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", filings_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("filings.urls")),
    path("", include("review.urls")),
]
