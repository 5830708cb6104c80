""""人数" counts the members the reader may see: a member unit sees those with a case of its kind (its
lists show only them), so a count of every member would tell it of the others."""

from households.export_lists import export_rows
from households.models import TransferApplication
from households.selectors import member_count
from tests.base import CastTestCase, person_data


class MemberCountTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # a head and a child: the housing case is the head's alone, medical insurance everyone's
        cls.app = cls.complete(cls, cls.alice, members=[person_data(), person_data(relation="child")])

    def counted(self, user):
        return TransferApplication.objects.for_user(user).filter(pk=self.app.pk).annotate(
            n=member_count(user)).values_list("n", flat=True).get()

    def test_a_place_counts_every_member_and_a_member_unit_those_it_sees(self):
        self.assertEqual(self.counted(self.dave), 2)
        self.assertEqual(self.counted(self.heidi), 2)  # health: a medical case for each
        self.assertEqual(self.counted(self.grace), 1)  # housing: the head's case only

    def test_the_applications_export_counts_the_same(self):
        for user, expected in ((self.dave, 2), (self.grace, 1)):
            with self.subTest(user=user.username):
                rows, _columns = export_rows(user=user, kind="applications", filters={})
                self.assertEqual([r.member_count for r in rows.filter(pk=self.app.pk)], [expected])
