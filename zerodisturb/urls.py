from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from zerodisturb.accounts.views import Login
from zerodisturb.api import api, direct_get
from zerodisturb.credentials import views as credentials
from zerodisturb.visits import gate
from zerodisturb.visits.public_api import scan_code
from zerodisturb.web import views as web

urlpatterns = [
    # First: Django tries these patterns in order, and these carry the gate's scans. The JSON
    # scan, the busiest request there is, skips ninja's dispatch (api.direct_get); ninja
    # documents it at the same address.
    path("api/v1/public/scan/<str:token>", direct_get(scan_code), name="scan_json"),
    path("api/", api.urls),
    path("scan/<str:token>", gate.scan_page, name="scan"),
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
    path("credentials/", include("zerodisturb.credentials.urls")),
    path("visits/", include("zerodisturb.visits.urls")),
    path("evaluations/", include("zerodisturb.evaluations.urls")),
    path("complaints/", include("zerodisturb.complaints.urls")),
    path("problems/", include("zerodisturb.problems.urls")),
    path("scorecards/", include("zerodisturb.scorecards.urls")),
    path("alerts/", include("zerodisturb.alerts.urls")),
    path("surveys/", include("zerodisturb.surveys.urls")),
    path("oversight/", include("zerodisturb.oversight.urls")),
    # Public pages whose addresses are printed on cards and encoded in QR codes: keep them stable.
    path("verify/", credentials.verify_search, name="verify_search"),
    path("verify/<str:number>", credentials.verify, name="verify"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:
    from zerodisturb.benchviews import bare, floor

    # As early as the API, so the yardsticks and the scan pay the same URL resolution.
    urlpatterns[0:0] = [path("bench/bare", bare), path("bench/floor/<str:token>", floor)]
