def featured_challenges():
    return []


def programme_figures():
    return {}
