from django.urls import path

from zerodisturb.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/rate/", views.survey_rate, name="rate"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", views.question_move, name="question_move"),
    path("<int:pk>/send/", views.survey_send, name="send"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/results.xlsx", views.survey_export, name="export"),
    path("invitations/<int:pk>/", views.answer, name="answer"),
]
