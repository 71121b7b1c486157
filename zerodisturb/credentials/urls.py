from django.urls import path

from zerodisturb.credentials import views

app_name = "credentials"
urlpatterns = [
    path("", views.credential_list, name="list"),
    path("new/", views.credential_new, name="new"),
    path("<int:pk>/", views.credential_detail, name="detail"),
    path("<int:pk>/suspend/", views.credential_suspend, name="suspend"),
    path("<int:pk>/reinstate/", views.credential_reinstate, name="reinstate"),
    path("<int:pk>/revoke/", views.credential_revoke, name="revoke"),
    path("<int:pk>/card.pdf", views.credential_card, name="card"),
]
