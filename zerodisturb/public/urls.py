from django.urls import path

from zerodisturb.public import views

app_name = "public"
urlpatterns = [
    path("", views.public_lists, name="lists"),
]
