from django.urls import path

from zerodisturb.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("visit/<int:visit_pk>/", views.evaluation_new, name="new"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/amend/", views.evaluation_amend, name="amend"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/answer/", views.rectification_answer, name="answer"),
    path("rectifications/<int:pk>/callback/", views.rectification_callback, name="callback"),
    path("rectifications/<int:pk>/respond/", views.rectification_respond, name="respond"),
    path("rectifications/<int:pk>/decide/", views.rectification_decide, name="decide"),
]
