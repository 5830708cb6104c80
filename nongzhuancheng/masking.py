"""How a resident ID number is shown where it may not be shown whole: one rule, used everywhere."""


def mask(number: str | None) -> str:
    """530602********123X style: area code and the last four characters stay visible."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
