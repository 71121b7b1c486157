from django.urls import path

from zerodisturb.commissioning import views

app_name = "commissioning"
urlpatterns = [
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/compare/", views.item_compare, name="item_compare"),
    path("items/<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("items/<int:pk>/vote/", views.item_vote, name="item_vote"),
    path("items/<int:pk>/merge/", views.item_merge, name="item_merge"),
    path("items/<int:pk>/revise/", views.item_revise, name="item_revise"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("enterprises/", views.enterprise_search, name="enterprise_search"),
    path("negative-list/", views.negative_list, name="negative_list"),
    path("negative-list/new/", views.negative_rule_edit, name="negative_rule_new"),
    path("negative-list/<int:pk>/edit/", views.negative_rule_edit, name="negative_rule_edit"),
    path("negative-list/<int:pk>/active/", views.negative_rule_active, name="negative_rule_active"),
]
