"""Reading a database id from user input; below every app."""


def valid_id(value) -> int | None:
    """A positive id that fits the database's integers, or None (also for "²" or "1e9")."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None
