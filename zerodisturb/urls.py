from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from zerodisturb.accounts.views import Login
from zerodisturb.api import api
from zerodisturb.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("accounts/login/", Login.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/", include("zerodisturb.accounts.urls")),
    path("registry/", include("zerodisturb.registry.urls")),
    path("audit/", include("zerodisturb.audit.urls")),
    path("commissioning/", include("zerodisturb.commissioning.urls")),
    path("contracts/", include("zerodisturb.contracts.urls")),
    path("notifications/", include("zerodisturb.notifications.urls")),
    path("public/", include("zerodisturb.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
