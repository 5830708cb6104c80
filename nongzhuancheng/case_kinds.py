"""Which member-unit domain works which kind of case: the one table, by plain values.

The entitlements app names the kinds (``RetentionKind``, ``GuaranteeKind``) and builds its own
``KIND_DOMAIN`` from this table; the households app reads it to scope people and applications for a
member unit (need-to-know: a unit sees only the people who have a case of its kind). It lives in
the core so that households never imports entitlements.
"""

RETENTION_DOMAIN: dict[str, str] = {
    "farmland": "land",
    "forest": "forestry",
    "homestead": "land",
    "family_planning": "family_planning",
    "collective_dividend": "agriculture",
}
GUARANTEE_DOMAIN: dict[str, str] = {
    "housing": "housing",
    "pension": "hrss",
    "medical": "health",
    "employment": "hrss",
    "education": "education",
}

# A guarantee case in this state is no case of its unit's (the person does not need it).
GUARANTEE_NOT_NEEDED = "not_needed"


def retention_kinds_of(domain: str) -> list[str]:
    return [kind for kind, d in RETENTION_DOMAIN.items() if d == domain]


def guarantee_kinds_of(domain: str) -> list[str]:
    return [kind for kind, d in GUARANTEE_DOMAIN.items() if d == domain]
