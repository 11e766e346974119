"""Operators' administration of people and organizations (the Django admin at /admin/).

One module per topic; importing them registers their model admins.
"""

from . import organizations, records, users, waivers

__all__ = ["organizations", "records", "users", "waivers"]
