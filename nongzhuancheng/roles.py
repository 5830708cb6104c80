"""The roles a post can have. Plain names only: every module may import this one, it imports nothing.

What each role may do is the policy table in ``nongzhuancheng.scoping``; the labels users read are
``nongzhuancheng.models.Role``.
"""

CLERK = "clerk"  # green-channel clerk at a police station
COUNTY_OFFICER = "county_officer"  # county office
MEMBER_UNIT = "member_unit"  # a city bureau that delivers guarantees or records retentions
CITY_READER = "city_reader"  # city leadership group office
ADMIN = "admin"  # administrator (a superuser, whatever the post says)

ALL = frozenset({CLERK, COUNTY_OFFICER, MEMBER_UNIT, CITY_READER, ADMIN})
# Roles that see every county's places (the city and the bureaus); the others see their own county.
CITY_WIDE = frozenset({CITY_READER, MEMBER_UNIT, ADMIN})
