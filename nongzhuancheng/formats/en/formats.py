"""English formats: Django's, with dates written day month year (20 Oct 2012), unambiguous to a
reader used to 2012年10月20日, and numbers grouped by thousands as in Chinese."""

from django.conf.locale.en.formats import *  # noqa: F403

DATE_FORMAT = "j M Y"  # 20 Oct 2012
DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
