from django.urls import path

from zerodisturb.visits import gate, views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("new/", views.visit_new, name="new"),
    path("mergeable/", views.mergeable, name="mergeable"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/join/", views.visit_join, name="join"),
    path("<int:pk>/cancel/", views.visit_cancel, name="cancel"),
    path("<int:pk>/findings/", views.visit_finding, name="finding"),
    path("<int:pk>/documents/", views.visit_document, name="document"),
    path("<int:pk>/close/", views.visit_close, name="close"),
    path("<int:pk>/check-in/", gate.visit_check_in, name="check_in"),
    path("<int:pk>/check-out/", gate.visit_check_out, name="check_out"),
    path("<int:pk>/code/", gate.visit_code, name="code"),
    path("<int:pk>/code.png", gate.visit_code_png, name="code_png"),
]
