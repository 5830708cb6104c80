"""Chinese formats: Django's, but numbers grouped by thousands with a comma (579,476), as official
documents and the report write them (Django's zh_Hans groups by four with no separator)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
MONTH_DAY_FORMAT = "n月j日"  # 9月5日 (Django's "m月j日" gives 09月5日)
