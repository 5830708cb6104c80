from decimal import Decimal

from nongzhuancheng.figures import cut, multiple, percent, percent_of


def test_the_reports_rates_are_cut_not_rounded():
    assert percent(579_476, 500_000) == "115.8%"
    assert multiple(579_476, 130_000) == "4.45"


def test_a_county_just_short_of_its_target_does_not_read_100_percent():
    assert percent(9_996, 10_000) == "99.9%"
    assert percent(10_000, 10_000) == "100.0%"


def test_no_target_reads_as_a_dash():
    assert percent(5, 0) == "—"
    assert multiple(5, None) == "—"
    assert percent_of(None) == "—"


def test_cut_truncates_towards_zero():
    assert cut(Decimal("1.999"), 2) == Decimal("1.99")
    assert percent_of(Decimal("0.12345"), 2) == "12.34%"
