from django.urls import path

from zerodisturb.registry import views

app_name = "registry"
urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("people/", views.people, name="people"),
    path("import/", views.import_start, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
