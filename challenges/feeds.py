"""RSS and Atom feeds of newly listed challenges (Django's syndication framework).

The listing's filters are the feed's parameters
(`/challenges/feed/rss/?country=TH&sector=agriculture&q=rice`); an invalid
one is ignored as on the listing. Newest publication first.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django_countries import countries

from .enums import CooperationMode, Sector
from .forms import ChallengeFilter
from .models import Challenge
from .selectors import browse_challenges

FEED_SIZE = 30


class NewChallengesFeed(Feed):
    """Newly listed challenges matching the listing's filters, as RSS 2.0."""

    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest) -> ChallengeFilter:
        return ChallengeFilter(request.GET or None, queryset=Challenge.objects.none())

    def _filter_labels(self, filterset: ChallengeFilter) -> list[str]:
        filters = filterset.listing_filters()
        labels = [str(countries.name(code)) for code in filters["countries"]]
        if filters["sector"]:
            labels.append(str(Sector(filters["sector"]).label))
        if filters["mode"]:
            labels.append(str(CooperationMode(filters["mode"]).label))
        if filters["query"]:
            labels.append(_("“%(words)s”") % {"words": filters["query"]})
        return labels

    def title(self, filterset: ChallengeFilter) -> str:
        labels = self._filter_labels(filterset)
        if not labels:
            return _("New AI challenges · ASEAN–Guangxi AI Challenge Portal")
        return _("New AI challenges: %(filters)s · ASEAN–Guangxi AI Challenge Portal") % {
            "filters": " · ".join(labels)
        }

    def link(self, filterset: ChallengeFilter) -> str:
        query = filterset.query_string()
        return reverse("challenges:list") + (f"?{query}" if query else "")

    def description(self, filterset: ChallengeFilter) -> str:
        return _(
            "Challenges posted by ASEAN institutions and published by the programme office, "
            "newest first."
        )

    def items(self, filterset: ChallengeFilter) -> list[Challenge]:
        filters = {**filterset.listing_filters(), "sort": "newest"}
        return list(browse_challenges(**filters).filter(published_at__isnull=False)[:FEED_SIZE])

    def item_title(self, item: Challenge) -> str:
        return item.title

    def item_description(self, item: Challenge) -> str:
        return item.summary

    def item_link(self, item: Challenge) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Challenge):
        return item.published_at

    def item_updateddate(self, item: Challenge):
        return item.state_changed_at

    def item_author_name(self, item: Challenge) -> str:
        return item.organization.legal_name

    def item_categories(self, item: Challenge) -> list[str]:
        categories = [str(item.organization.country.name)]
        if item.sector:
            categories.append(item.get_sector_display())
        return categories + item.mode_labels()


class NewChallengesAtomFeed(NewChallengesFeed):
    """The same feed as Atom 1.0."""

    feed_type = Atom1Feed
    subtitle = NewChallengesFeed.description
