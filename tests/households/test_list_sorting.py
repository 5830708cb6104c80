"""What people expect of a list (issue 13, point 10): sort by column, jump to a page (bounded), a
total of people beside the applications, filters kept in every link; the overdue list exported,
printable, with returned applications counted apart."""

import datetime
import io
from unittest import mock
from urllib.parse import parse_qs, urlparse

from django.urls import reverse
from openpyxl import load_workbook

from households import services
from households.models import TransferApplication
from households.selectors import APPLICATION_SORTS
from households.views import ApplicationListView, OverdueView
from nongzhuancheng.pagination import ListPage, list_links
from tests.base import CastTestCase, person_data

URL = reverse("households:application_list")
OVERDUE = reverse("households:overdue")
DAYS = [datetime.date(2012, 6, d) for d in (12, 3, 20, 3, 7, 20, 1)]  # ties on purpose


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


class ListPageUnitTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.apps = [cls.receive(cls.alice, received_on=day) for day in DAYS]

    def walk(self, sort, per_page=2, max_offset_pages=1):
        """Every page by "next" links (keyset beyond the first page): the ids in the order shown."""
        from django.http import QueryDict

        key = next(k for k in APPLICATION_SORTS if k.name == sort.lstrip("-"))
        qs = TransferApplication.objects.all()
        seen, params = [], {}
        for _ in range(20):
            page = ListPage(qs, key=key, descending=sort.startswith("-"), per_page=per_page,
                            page=params.get("page"), after=params.get("after", ""), max_offset_pages=max_offset_pages)
            seen += [a.pk for a in page.object_list]
            links = list_links(QueryDict(""), page, APPLICATION_SORTS, sort)
            if not links["next"]:
                return seen
            params = {k: (int(v) if k == "page" else v) for k, v in query_of(links["next"]).items()}
        self.fail("no last page")

    def test_keyset_pages_show_every_row_once_in_order_in_both_directions(self):
        for sort in ("received_on", "-received_on", "due_on", "-due_on", "id", "-id"):
            with self.subTest(sort=sort):
                key = sort.lstrip("-")
                ordered = sorted(self.apps, key=lambda a: (getattr(a, key), a.pk), reverse=sort.startswith("-"))
                self.assertEqual(self.walk(sort), [a.pk for a in ordered])

    def test_a_jump_past_the_numbered_pages_shows_the_last_of_them_and_says_why(self):
        key = APPLICATION_SORTS[0]
        page = ListPage(TransferApplication.objects.all(), key=key, descending=False, per_page=2, page=4,
                        max_offset_pages=2)
        self.assertTrue(page.jump_refused)
        self.assertEqual(page.number, 2)
        self.assertEqual(page.jump_max, 2)
        self.assertEqual(page.num_pages, 4)


class ApplicationListSortTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.apps = [cls.receive(cls.alice, received_on=day,
                                members=[person_data(), person_data(relation="child", male=False)])
                    for day in DAYS]

    def test_a_column_sorts_both_ways_and_its_link_keeps_every_filter(self):
        self.login(self.dave)
        response = self.client.get(URL, {"status": "received", "received_from": "2012-06-01", "sort": "received_on"})
        days = [a.received_on for a in response.context["applications"]]
        self.assertEqual(days, sorted(DAYS))
        sorts = response.context["links"]["sorts"]
        self.assertEqual(sorts["received_on"]["state"], "asc")
        reverse_link = query_of(sorts["received_on"]["url"])
        self.assertEqual(reverse_link, {"status": "received", "received_from": "2012-06-01", "sort": "-received_on"})
        self.assertContains(response, 'aria-sort="ascending"')
        response = self.client.get(URL, reverse_link)
        self.assertEqual([a.received_on for a in response.context["applications"]], sorted(DAYS, reverse=True))

    def test_paging_links_and_the_jump_form_keep_the_filters_and_the_sort(self):
        self.login(self.dave)
        with mock.patch.object(ApplicationListView, "paginate_by", 2), \
                mock.patch.object(ApplicationListView, "max_offset_pages", 2):
            response = self.client.get(URL, {"status": "received", "sort": "-due_on"})
            links = response.context["links"]
            self.assertEqual(query_of(links["next"]), {"status": "received", "sort": "-due_on", "page": "2"})
            self.assertIn(("status", "received"), links["keep"])
            self.assertIn(("sort", "-due_on"), links["keep"])
            self.assertContains(response, '<input type="hidden" name="sort" value="-due_on">', html=True)
            page2 = self.client.get(URL, query_of(links["next"]))
            third = query_of(page2.context["links"]["next"])  # beyond the numbered pages: a keyset cursor
            self.assertEqual(third["page"], "3")
            self.assertRegex(third["after"], r"^\d{4}-\d{2}-\d{2}~\d+$")
            self.assertEqual(third["status"], "received")
            page3 = self.client.get(URL, third)
            self.assertContains(page3, "第 3 / 4 页")
            self.assertContains(page3, "只能从第 2 页起逐页")
            shown = [a.pk for p in (response, page2, page3) for a in p.context["applications"]]
            self.assertEqual(len(set(shown)), 6)
            jump = self.client.get(URL, {"status": "received", "page": 4})
            self.assertTrue(jump.context["page"].jump_refused)
            self.assertEqual(jump.context["page"].number, 2)

    def test_the_total_of_people_stands_beside_the_total_of_applications(self):
        self.login(self.alice)
        response = self.client.get(URL)
        self.assertContains(response, "共 7 件申请")
        self.assertContains(response, '<span class="total-people">14 人</span>', html=True)
        self.assertEqual((response.context["people_count"], response.context["people_exact"]), (14, True))

    def test_a_bad_sort_or_cursor_is_refused_beside_its_field(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(URL, {"sort": "household__head_name"}).status_code, 400)
        self.assertEqual(self.client.get(URL, {"after": "1; drop"}).status_code, 400)

    def test_the_export_reads_the_same_form_and_keeps_the_sort(self):
        self.login(self.dave)
        response = self.client.get(reverse("imports:export_applications"),
                                   {"format": "xlsx", "status": "received", "sort": "received_on"})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
        self.assertEqual([r[8] for r in rows], [d.isoformat() for d in sorted(DAYS)])


class OverdueListTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.late = cls.receive(cls.alice, received_on=datetime.date(2012, 6, 1), head_name="王超期")
        cls.later = cls.receive(cls.carol, received_on=datetime.date(2012, 6, 5), head_name="李超期")
        cls.returned = cls.receive(cls.alice, received_on=datetime.date(2012, 5, 20), head_name="赵补正")
        services.application_return(application=cls.returned, actor=cls.alice, note="缺户口簿")
        cls.fresh = cls.receive(cls.alice)

    def test_a_returned_application_is_counted_apart_from_the_overdue_ones(self):
        self.login(self.dave)
        response = self.client.get(OVERDUE)
        self.assertEqual([app.pk for app, _days in response.context["rows"]], [self.late.pk, self.later.pk])
        self.assertContains(response, "另有 1 件退回补正、等待申请人补正，不计入超期")
        self.assertContains(response, "超期未办结 2 件")
        returned = self.client.get(OVERDUE, {"show": "returned"})
        self.assertEqual([app.pk for app, _days in returned.context["rows"]], [self.returned.pk])
        detail = self.client.get(reverse("households:application_detail", args=[self.returned.pk]))
        self.assertNotContains(detail, "已超期")
        self.assertContains(self.client.get(reverse("households:application_detail", args=[self.late.pk])), "已超期")

    def test_it_filters_by_station_sorts_and_keeps_both_in_its_links(self):
        self.login(self.dave)
        response = self.client.get(OVERDUE, {"station": self.zy_station.pk, "sort": "-received_on"})
        self.assertEqual([app.pk for app, _days in response.context["rows"]], [self.late.pk])
        self.assertEqual(query_of(response.context["links"]["sorts"]["due_on"]["url"]),
                         {"station": str(self.zy_station.pk), "sort": "-due_on"})
        with mock.patch.object(OverdueView, "paginate_by", 1):
            page = self.client.get(OVERDUE, {"sort": "received_on"})
            self.assertEqual(query_of(page.context["links"]["next"]), {"sort": "received_on", "page": "2"})

    def test_it_is_exported_masked_and_printable(self):
        self.login(self.dave)
        response = self.client.get(OVERDUE, {"format": "xlsx", "station": self.zy_station.pk})
        self.assertEqual(response.status_code, 200)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("申请编号", "县区", "受理派出所", "户主姓名"))
        self.assertEqual([r[0] for r in rows[1:]], [self.late.number])
        self.assertGreater(rows[1][7], 0)  # working days overdue
        csv = self.client.get(OVERDUE, {"format": "csv", "show": "returned"})
        self.assertIn(self.returned.number, csv.content.decode("utf-8-sig"))
        page = self.client.get(OVERDUE)
        self.assertContains(page, 'media="print"')
        self.assertContains(page, "data-print")
        self.assertContains(page, "print_lists.css")


class UnknownSortMessageTest(CastTestCase):
    def test_an_unknown_sort_answers_400_with_its_message_on_the_page(self):
        self.login(self.dave)
        for url in (reverse("households:application_list"), reverse("households:overdue")):
            with self.subTest(url=url):
                response = self.client.get(url, {"sort": "evil"})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "evil 不在可用的选项中", status_code=400)  # the message, on the page
