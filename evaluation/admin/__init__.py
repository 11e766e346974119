"""The reviewers' panel at /review/ (its own AdminSite), and read-only audit views in /admin/.

A reviewer signs in (through the portal's sign-in page) and sees only the
bids of the challenges on whose panels they sit: every queryset here is
filtered by the signed-in user, so any other id answers "does not exist"
and redirects, never showing data. Before a bid's content is shown the
reviewer declares a conflict of interest or its absence; under blind
review no applicant or partner name is printed (see `evaluation.blinding`).
The business rules live in `rules`, `services` and `selectors`.

By topic: `review_site` (the site and its registrations), `assignments`
(the reviewer's panel seats), `bids` (the bid page: declaration and score
sheet, built by `bid_page`), `_common` (status and labels shared by the
lists) and `audit` (read-only operator views in /admin/).
"""

from . import audit
from .review_site import ReviewSite, review_site

__all__ = ["ReviewSite", "audit", "review_site"]
