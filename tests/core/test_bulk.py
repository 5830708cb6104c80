"""The one bulk writer (nongzhuancheng.bulk): ids reserved before the rows are written, model
instances and plain rows inserted in the database's form. The suite runs it on SQLite and, with
DATABASE_URL set, on PostgreSQL (COPY)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import ApplicationEvent, Household, TransferApplication
from nongzhuancheng import bulk
from tests.base import CastTestCase


class BulkWriterTest(CastTestCase):
    def households(self, n):
        return [Household(county=self.zhaoyang, station=self.zy_station, number=f"B{i:04d}", head_name=f"户主{i}",
                          township="北闸镇", village="塘房村", address=f"北闸镇塘房村{i}号") for i in range(n)]

    def test_it_reserves_ids_that_no_row_holds_and_gives_them_to_the_objects(self):
        existing = self.receive(self.alice).household
        objs = self.households(3)
        ids = bulk.reserve_ids(Household, objs)
        self.assertEqual(len(set(ids)), 3)
        self.assertEqual([o.pk for o in objs], ids)
        self.assertTrue(all(pk > existing.pk for pk in ids))
        self.assertEqual(bulk.reserve_ids(Household, []), [])

    def test_it_inserts_instances_with_their_reserved_ids_and_the_time_of_the_call(self):
        objs = self.households(3)
        self.assertEqual(bulk.insert(Household, objs), 3)
        rows = Household.objects.filter(number__startswith="B").order_by("number")
        self.assertEqual([h.pk for h in rows], [o.pk for o in objs])
        self.assertEqual([h.head_name for h in rows], ["户主0", "户主1", "户主2"])
        self.assertTrue(all(h.created_at is not None and h.updated_at is not None for h in rows))
        # the sequence (PostgreSQL) or the largest id (SQLite) has moved past them: a plain save follows
        after = self.households(1)[0]
        after.number = "C0001"
        after.save()
        self.assertGreater(after.pk, max(o.pk for o in objs))

    def test_it_inserts_plain_rows_with_dates_and_json_in_the_database_form(self):
        app = self.receive(self.alice)
        ids = bulk.reserve_id_range(TransferApplication._meta.db_table, 1)
        self.assertEqual(len(ids), 1)
        written = bulk.insert_rows(ApplicationEvent, ["application_id", "actor_id", "at", "from_status",
                                                      "to_status", "note"],
                                   [(app.pk, self.alice.pk, None, "", "received", "第一"),
                                    (app.pk, None, None, "received", "completed", "第二")])
        self.assertEqual(written, 2)
        events = ApplicationEvent.objects.filter(application=app, note__in=["第一", "第二"]).order_by("note")
        self.assertEqual([(e.note, e.actor_id) for e in events], [("第一", self.alice.pk), ("第二", None)])
        self.assertTrue(all(isinstance(e.at, datetime.datetime) for e in events))  # auto_now_add: the call's time

    def test_it_writes_through_copy_on_postgresql_and_executemany_elsewhere(self):
        with CaptureQueriesContext(connection) as queries:
            bulk.insert(Household, self.households(2))
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        if connection.vendor == "postgresql":
            self.assertNotIn("INSERT INTO", sql)  # COPY is not a query Django logs: only the nextval
        else:
            self.assertIn("INSERT INTO", sql)

    def test_plain_records_insert_as_the_model_instances_do(self):
        Record = bulk.record_type(Household)
        self.assertIs(bulk.record_type(Household), Record)  # made once a model
        fields = dict(county_id=self.zhaoyang.pk, station_id=self.zy_station.pk, head_name="户主", township="北闸镇",
                      village="塘房村", address="北闸镇塘房村1号")
        record, instance = Record(number="R0001", **fields), Household(number="R0002", **fields)
        self.assertIsNone(record.pk)
        for f in Household._meta.concrete_fields:  # every field, at the model's default where not given
            if f.attname != "number":
                self.assertEqual(getattr(record, f.attname), getattr(instance, f.attname), f.attname)
        bulk.insert(Household, [record, instance])
        self.assertEqual(record.pk, record.id)
        written = {h.number: h for h in Household.objects.filter(number__in=["R0001", "R0002"])}
        self.assertEqual(written["R0001"].pk, record.pk)
        skip = {"id", "number", "created_at", "updated_at"}
        for f in Household._meta.concrete_fields:
            if f.attname not in skip:
                self.assertEqual(getattr(written["R0001"], f.attname), getattr(written["R0002"], f.attname), f.attname)

    def test_a_callable_default_is_made_anew_for_each_record(self):
        Record = bulk.record_type(TransferApplication)  # documents: JSONField(default=list)
        a, b = Record(), Record()
        self.assertEqual(a.documents, [])
        self.assertIsNot(a.documents, b.documents)
