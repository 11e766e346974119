"""The "Programme operators" group: what a non-superuser operator may do in /admin/.

Created (or completed) after every `migrate`, so a fresh database has it and a
new model's permissions reach operators once listed here. Permissions granted
to the group by hand are kept: this only adds what is missing.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

OPERATORS_GROUP = "Programme operators"

# app label -> model -> actions. Operators verify organizations, look after their
# members, grant and revoke rule waivers and read everything the portal records.
# Organizations are registered by their members, so operators neither add nor delete them.
OPERATOR_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "entities": {
        "organization": ("view", "change"),
        "membership": ("view", "add", "change", "delete"),
        "invitation": ("view",),
        "capabilitydeclaration": ("view",),
        "capabilityevidence": ("view",),
        "eligibilityrecord": ("view",),
        "rulewaiver": ("view", "add", "change"),
        # Flag reviewers, deactivate accounts; entities.admin.users.UserAdmin keeps staff
        # accounts, rights and passwords out of a non-superuser's reach.
        "user": ("view", "change"),
    },
    "account": {"emailaddress": ("view",)},
    # Challenges and bids are read in the admin; their states change only through
    # the vetting desk and the evaluation pages (challenges.lifecycle).
    "challenges": {
        "challenge": ("view",),
        "challengetransition": ("view",),
        "bid": ("view",),
        "bidtransition": ("view",),
        "bidpartner": ("view",),
        "attachment": ("view",),
    },
}


def ensure_operators_group(*, apps=None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the operators group and add any of OPERATOR_PERMISSIONS it lacks (idempotent)."""
    apps = apps or global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # migrating to a state before django.contrib.auth
        return
    wanted = {
        (app_label, f"{action}_{model}")
        for app_label, models in OPERATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    group, _created = Group.objects.using(using).get_or_create(name=OPERATORS_GROUP)
    have = set(group.permissions.values_list("content_type__app_label", "codename"))
    missing = wanted - have
    if not missing:
        return
    candidates = (
        Permission.objects.using(using)
        .select_related("content_type")
        .filter(
            content_type__app_label__in={app for app, _codename in missing},
            codename__in={codename for _app, codename in missing},
        )
    )
    # Permissions of models that do not exist (yet) are simply skipped.
    group.permissions.add(
        *[p for p in candidates if (p.content_type.app_label, p.codename) in missing]
    )


def on_post_migrate(sender, app_config=None, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """Runs once per migrate: for the last app with models, when every permission exists."""
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if app_config is None or not with_models or app_config.label != with_models[-1].label:
        return
    ensure_operators_group(apps=apps, using=using)
