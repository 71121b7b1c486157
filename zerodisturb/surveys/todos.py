"""This app's sources for the home page's to-do list (callable(user) → list[Todo])."""

TODO_SOURCES: list = []
