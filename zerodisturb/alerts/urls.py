from django.urls import path

from zerodisturb.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/close/", views.alert_close, name="close"),
]
