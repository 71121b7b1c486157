from django.urls import path

from zerodisturb.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/<int:item_pk>/", views.contract_new, name="new"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/correct/", views.contract_correct, name="correct"),
    path("<int:pk>/amend/", views.contract_amend, name="amend"),
    path("<int:pk>/file/", views.contract_file, name="file"),
    path("<int:pk>/accept/", views.contract_accept, name="accept"),
    path("<int:pk>/return/", views.contract_return, name="return"),
    path("<int:pk>/versions/<int:number>/pdf", views.version_pdf, name="pdf"),
]
