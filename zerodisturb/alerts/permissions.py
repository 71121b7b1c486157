"""Who sees what in this app (rules predicates and querysets)."""


def can_see_nav(user) -> bool:
    """Whether the top navigation shows this app's page to the user."""
    return False
