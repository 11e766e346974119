"""The pages measured and their targets (issue 11), shared by run.py and inprocess.py.

A path may name `{detail}` (the first challenge of the listing) and `{big}`
(the big challenge in evaluation); `inprocess.py` finds both in the bench
database. `who` is the account whose session the request carries.
"""

from __future__ import annotations

from dataclasses import dataclass

# Targets of the issue, printed next to each figure.
MAX_QUERIES = 10  # every page, the same at both data sizes
MAX_BID_SUBMIT_QUERIES = 25  # bid submission with 5 partners
MAX_LEAD_SELECTION_QUERIES = 50  # lead selection at 1,000 bids, the same at 10 bids
MAX_LEAD_SELECTION_SECONDS = 1.0
MEMORY_TOLERANCE = 0.10  # worker RSS after 10,000 requests within ±10 % of before

# Uncached requests carry a unique value of this query parameter and a
# `Cache-Control: no-cache` header, so no page cache can answer them.
BUST_PARAM = "_bench"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    target: float  # minimum share of hello-world's req/s
    who: str = "anon"  # anon, operator, reviewer, member
    bust: bool = False  # defeat any page cache (see BUST_PARAM)
    note: str = ""

    def url(self, subjects: dict, counter: int | None = None) -> str:
        path = self.path.format(**subjects)
        if self.bust and counter is not None:
            path += ("&" if "?" in path else "?") + f"{BUST_PARAM}={counter}"
        return path


PAGES: tuple[Page, ...] = (
    Page("listing", "listing, page 1, uncached", "/challenges/", 0.15, bust=True),
    Page("listing-cached", "listing, page 1, cached", "/challenges/", 0.60),
    Page("deep", "listing, page 500, uncached", "/challenges/?page=500", 0.15, bust=True),
    Page("deep-cached", "listing, page 500, cached", "/challenges/?page=500", 0.60),
    Page("search", "search “flood”", "/challenges/?q=flood", 0.10),
    Page(
        "filter",
        "filter country + mode",
        "/challenges/?country=TH&mode=technology_transfer",
        0.15,
        note="target of the listing",
    ),
    Page("detail", "challenge detail", "/challenges/{detail}/", 0.25),
    Page(
        "ranking",
        "operator ranking (1,000 bids × 5)",
        "/operator/evaluation/{big}/",
        0.02,
        "operator",
    ),
    Page("review", "reviewer's bid list /review/", "/review/", 0.10, "reviewer"),
    Page("dashboard", "organization dashboard", "/dashboard/", 0.10, "member"),
)
PAGE_KEYS = tuple(p.key for p in PAGES)
# What --only accepts besides the page keys.
OTHER_KEYS = ("hello", "bid-submit", "lead-selection", "memory")

# The 10,000-request mix of the memory check: cheap pages, many different challenges.
MEMORY_MIX = ("listing", "deep", "search", "filter", "review", "dashboard")
MEMORY_DETAILS = 400  # detail pages of this many different challenges join the mix
