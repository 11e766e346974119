from django.urls import path

from . import views

app_name = "challenges"

urlpatterns = [
    path("challenges/", views.challenge_list, name="list"),
    path("challenges/new/", views.challenge_create, name="create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="detail"),
    path("challenges/<int:pk>/edit/", views.challenge_edit, name="edit"),
    path("challenges/<int:pk>/preview/", views.challenge_preview, name="preview"),
    path("challenges/<int:pk>/submit/", views.challenge_submit, name="submit"),
    path("challenges/<int:pk>/withdraw/", views.challenge_withdraw, name="withdraw"),
    path("challenges/<int:pk>/attachments/", views.challenge_attachments, name="attachments"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("operator/challenges/", views.vetting_queue, name="vetting"),
    path("operator/challenges/<int:pk>/", views.vetting_decide, name="vetting_decide"),
]

urlpatterns += [
    path("challenges/<int:pk>/bid/", views.bid_create, name="bid_create"),
    path("bids/<int:pk>/", views.bid_detail, name="bid_detail"),
    path("bids/<int:pk>/edit/", views.bid_edit, name="bid_edit"),
    path("bids/<int:pk>/attachments/", views.bid_attachment_add, name="bid_attachment_add"),
    path("bids/<int:pk>/partners/", views.bid_partners, name="bid_partners"),
    path("bids/<int:pk>/partners/search/", views.partner_search, name="partner_search"),
    path(
        "bids/<int:pk>/partners/<int:partner_pk>/remove/",
        views.partner_remove,
        name="partner_remove",
    ),
    path("bids/<int:pk>/submit/", views.bid_submit, name="bid_submit"),
    path("bids/<int:pk>/withdraw/", views.bid_withdraw, name="bid_withdraw"),
    path("bids/<int:pk>/reopen/", views.bid_reopen, name="bid_reopen"),
    path("partner-invitations/<str:token>/", views.partner_respond, name="partner_respond"),
]

urlpatterns += [
    path("operator/challenges/<int:pk>/cancel/", views.challenge_cancel, name="cancel"),
    path("operator/bids/<int:pk>/ineligible/", views.bid_mark_ineligible, name="bid_ineligible"),
]
