"""One entry of the home page's "my to-dos": a real count linked to the list behind it.

Below every app, so each lifecycle app can offer its own to-do sources (`<app>/todos.py`).
"""

from dataclasses import dataclass


@dataclass
class Todo:
    title: str
    count: int
    url: str
    urgent: bool = False
