"""Pages of organizations, by topic: profiles, members and invitations, capabilities, eligibility.

`show_validation_error` is shared with the views of the apps above this one.
"""

from ._common import get_organization, show_validation_error

__all__ = ["get_organization", "show_validation_error"]
