"""Resident ID numbers: real checksum vectors, bad numbers, and python-stdnum's gaps."""

import datetime

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from stdnum.cn import ric

from households import ids
from nongzhuancheng.masking import mask

TODAY = datetime.date(2012, 10, 20)


class IdParseTest(SimpleTestCase):
    def assertRefused(self, raw, code, fragment=None):
        with self.assertRaises(ValidationError) as ctx:
            ids.parse(raw, today=TODAY)
        self.assertEqual(ctx.exception.code, code, ctx.exception.messages)
        if fragment:
            self.assertIn(fragment, ctx.exception.messages[0])
        return ctx.exception

    def test_it_accepts_the_published_checksum_vectors(self):
        # GB 11643-1999's own example and python-stdnum's documented example
        for number, birth, sex in [
            ("11010519491231002X", datetime.date(1949, 12, 31), "F"),
            ("360426199101010071", datetime.date(1991, 1, 1), "M"),
        ]:
            rid = ids.parse(number, today=TODAY)
            self.assertEqual((rid.number, rid.birth_date, rid.sex), (number, birth, sex))

    def test_it_accepts_a_qiaojia_resident_born_1946_whose_area_code_came_later(self):
        # stdnum checks the area code against the birth year and turns this real-life case away
        self.assertFalse(ric.is_valid("530622194604082477"))
        rid = ids.parse("530622194604082477", today=TODAY)
        self.assertEqual(rid.area_code, "530622")
        self.assertIn("巧家县", rid.area_name)
        self.assertEqual(rid.birth_date, datetime.date(1946, 4, 8))
        self.assertEqual(rid.sex, "M")

    def test_it_accepts_the_pre_2001_zhaotong_prefecture_codes(self):
        for code in ("532101", "532122", "532128", "532131"):
            number = ids.make(code, datetime.date(1962, 5, 1), 11)
            self.assertEqual(ids.parse(number, today=TODAY).area_code, code)

    def test_it_converts_a_legacy_15_digit_number_to_18(self):
        self.assertEqual(ids.parse("110105491231002", today=TODAY).number, "11010519491231002X")
        rid = ids.parse("532101800101001", today=TODAY)
        self.assertEqual(rid.number, "532101198001010010")
        self.assertEqual(rid.birth_date, datetime.date(1980, 1, 1))

    def test_it_refuses_a_15_digit_number_with_a_bad_date(self):
        self.assertRefused("532101800230001", "birth_date", "1980-02-30")

    def test_it_cleans_full_width_digits_spaces_dashes_and_lowercase_x(self):
        for raw in (
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105 1949 1231 002X",
            " 110105-19491231-002x ",
            "11010519491231002ｘ",
            "110105\u300019491231002X",  # ideographic space pasted from a document
        ):
            self.assertEqual(ids.parse(raw, today=TODAY).number, "11010519491231002X", raw)

    def test_it_refuses_a_wrong_check_digit_and_says_which_was_expected(self):
        error = self.assertRefused("110105194912310021", "checksum")
        self.assertIn("应为 X", error.messages[0])

    def test_it_refuses_30_february(self):
        body = "53060219850230123"
        self.assertRefused(body + ric.calc_check_digit(body + "0"), "birth_date", "1985-02-30")

    def test_it_refuses_a_birth_date_in_2099_which_stdnum_accepts(self):
        number = ids.make("530602", datetime.date(2099, 1, 1), 123)
        self.assertTrue(ric.is_valid(number))
        self.assertRefused(number, "birth_future", "2099-01-01")

    def test_it_refuses_a_birth_date_after_today(self):
        self.assertRefused(ids.make("530602", datetime.date(2012, 10, 21), 1), "birth_future")
        self.assertEqual(ids.parse(ids.make("530602", TODAY, 1), today=TODAY).birth_date, TODAY)

    def test_it_refuses_an_implausibly_old_birth_date(self):
        # the standard's own 1880 example is checksum-correct but nobody born then applies
        self.assertEqual(ric.calc_check_digit("440524188001010014"), "4")
        self.assertRefused("440524188001010014", "birth_old")

    def test_it_refuses_an_unknown_area_code(self):
        self.assertRefused(ids.make("999999", datetime.date(1980, 1, 1), 1), "area", "999999")
        self.assertRefused(ids.make("530000", datetime.date(1980, 1, 1), 1), "area")  # a province, not a county

    def test_codes_that_make_stdnum_raise_keyerror_are_a_clear_validation_error(self):
        for code in ("539999", "535000", "712100"):
            number = ids.make(code, datetime.date(1980, 1, 1), 1)
            with self.assertRaises(KeyError):
                ric.validate(number)
            self.assertRefused(number, "area")

    def test_it_refuses_wrong_lengths_letters_and_blanks(self):
        self.assertRefused("", "required")
        self.assertRefused(None, "required")
        self.assertRefused("5306021985", "length", "10位")
        self.assertRefused("5306021985031412345", "length")
        self.assertRefused("53060219850314A23X", "format")
        self.assertRefused("53060285031412X", "format")
        self.assertRefused("X10105194912310021", "format")

    def test_it_masks_all_but_the_area_code_and_the_last_four(self):
        self.assertEqual(mask("53060219850314123X"), "530602**********3X")
        self.assertEqual(ids.parse("11010519491231002X", today=TODAY).masked, "110105**********2X")
        self.assertEqual(mask(""), "")
        self.assertEqual(mask("12345"), "*****")

    def test_make_builds_numbers_that_validate(self):
        number = ids.make("530627", datetime.date(1975, 6, 30), 124)
        self.assertEqual(len(number), 18)
        self.assertEqual(number[-1], ric.calc_check_digit(number))
        self.assertEqual(ids.parse(number, today=TODAY).sex, "F")
