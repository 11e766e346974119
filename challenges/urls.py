from django.urls import path

from .feeds import NewChallengesAtomFeed, NewChallengesFeed
from .views import (
    attachments,
    bids,
    calendars,
    challenges,
    directory,
    documents,
    exports,
    partners,
    questions,
    saved_searches,
    translations,
    vetting,
)

app_name = "challenges"

urlpatterns = [
    path("challenges/", challenges.challenge_list, name="list"),
    path("challenges/new/", challenges.challenge_create, name="create"),
    path("challenges/<int:pk>/", challenges.challenge_detail, name="detail"),
    path("challenges/<int:pk>/edit/", challenges.challenge_edit, name="edit"),
    path("challenges/<int:pk>/preview/", challenges.challenge_preview, name="preview"),
    path("challenges/<int:pk>/submit/", challenges.challenge_submit, name="submit"),
    path("challenges/<int:pk>/withdraw/", challenges.challenge_withdraw, name="withdraw"),
    path(
        "challenges/<int:pk>/translations/",
        translations.challenge_translations,
        name="translations",
    ),
    path(
        "challenges/<int:pk>/translations/<str:language>/remove/",
        translations.challenge_translation_delete,
        name="translation_delete",
    ),
    path("challenges/<int:pk>/attachments/", attachments.challenge_attachments, name="attachments"),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", attachments.attachment_delete, name="attachment_delete"),
    path("operator/challenges/", vetting.vetting_queue, name="vetting"),
    path("operator/challenges/<int:pk>/", vetting.vetting_decide, name="vetting_decide"),
]

urlpatterns += [
    path("challenges/<int:pk>/bid/", bids.bid_create, name="bid_create"),
    path("bids/<int:pk>/", bids.bid_detail, name="bid_detail"),
    path("bids/<int:pk>/edit/", bids.bid_edit, name="bid_edit"),
    path("bids/<int:pk>/attachments/", attachments.bid_attachment_add, name="bid_attachment_add"),
    path("bids/<int:pk>/documents/<slug:kind>.pdf", documents.bid_document, name="bid_document"),
    path("bids/<int:pk>/partners/", partners.bid_partners, name="bid_partners"),
    path("bids/<int:pk>/partners/search/", partners.partner_search, name="partner_search"),
    path(
        "bids/<int:pk>/partners/<int:partner_pk>/remove/",
        partners.partner_remove,
        name="partner_remove",
    ),
    path("bids/<int:pk>/submit/", bids.bid_submit, name="bid_submit"),
    path("bids/<int:pk>/withdraw/", bids.bid_withdraw, name="bid_withdraw"),
    path("bids/<int:pk>/reopen/", bids.bid_reopen, name="bid_reopen"),
    path("partner-invitations/<str:token>/", partners.partner_respond, name="partner_respond"),
]

urlpatterns += [
    path("operator/challenges/<int:pk>/cancel/", challenges.challenge_cancel, name="cancel"),
    path("operator/bids/<int:pk>/ineligible/", bids.bid_mark_ineligible, name="bid_ineligible"),
]

# Feeds, calendars and saved searches of the listing.
urlpatterns += [
    path("challenges/feed/rss/", NewChallengesFeed(), name="feed_rss"),
    path("challenges/feed/atom/", NewChallengesAtomFeed(), name="feed_atom"),
    path("challenges/calendar.ics", calendars.listing_calendar, name="calendar"),
    path(
        "challenges/<int:pk>/calendar.ics",
        calendars.challenge_calendar,
        name="challenge_calendar",
    ),
    path("saved-searches/", saved_searches.saved_search_list, name="saved_searches"),
    path("saved-searches/new/", saved_searches.saved_search_create, name="saved_search_create"),
    path(
        "saved-searches/<int:pk>/rename/",
        saved_searches.saved_search_rename,
        name="saved_search_rename",
    ),
    path(
        "saved-searches/<int:pk>/delete/",
        saved_searches.saved_search_delete,
        name="saved_search_delete",
    ),
]

# The programme office's spreadsheets.
urlpatterns += [
    path("operator/exports/challenges.<str:fmt>", exports.challenges_export, name="export"),
    path("operator/exports/bids.<str:fmt>", exports.bids_export, name="bids_export"),
]

# Clarification Q&A.
urlpatterns += [
    path("challenges/<int:pk>/questions/", questions.challenge_questions, name="questions"),
    path("questions/<int:pk>/answer/", questions.question_answer, name="question_answer"),
    path("questions/<int:pk>/moderate/", questions.question_moderate, name="question_moderate"),
]

# Partner finder and matchmaking.
urlpatterns += [
    path("partners/", directory.directory, name="directory"),
    path("partners/my-listing/", directory.directory_listing_edit, name="directory_listing"),
    path("challenges/<int:pk>/matches/", directory.challenge_matches, name="matches"),
    path("challenges/<int:pk>/matches/invite/", directory.match_invite, name="match_invite"),
]
