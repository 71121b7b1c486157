from django.urls import path

from zerodisturb.complaints import public_views, views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.complaint_act, name="act"),
    # The public's pages: no login (投诉 by anyone, progress by number + phone).
    path("public/", public_views.public_new, name="public_new"),
    path("public/receipt/", public_views.public_receipt, name="public_receipt"),
    path("public/status/", public_views.public_status, name="public_status"),
    path("public/status/<slug:action>/", public_views.public_act, name="public_act"),
]
