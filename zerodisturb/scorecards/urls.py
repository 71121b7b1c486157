from django.urls import path

from zerodisturb.scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.scorecard_list, name="list"),
    path("<int:pk>/", views.scorecard_detail, name="detail"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("exits/", views.exit_list, name="exit_list"),
    path("exits/<int:pk>/", views.exit_detail, name="exit_detail"),
    path("exits/<int:pk>/reply/", views.exit_reply, name="exit_reply"),
    path("exits/<int:pk>/confirm/", views.exit_confirm, name="exit_confirm"),
    path("exits/<int:pk>/reject/", views.exit_reject, name="exit_reject"),
]
