from django.conf import settings


def site(request):
    """Header data: the user's organizations for the switcher."""
    context = {
        "SITE_NAME": "ASEAN–Guangxi AI Challenge Portal",
        "DEMO_ENABLED": settings.DEMO_ENABLED,
        "LANGUAGES_AWAITING_REVIEW": settings.LANGUAGES_AWAITING_REVIEW,
    }
    if hasattr(request, "memberships"):
        context["my_memberships"] = request.memberships
    return context
