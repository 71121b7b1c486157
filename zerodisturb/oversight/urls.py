from django.urls import path

from zerodisturb.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("", views.dashboard, name="list"),
    path("records/<slug:source>/<slug:fact>/", views.records_list, name="records"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
]
