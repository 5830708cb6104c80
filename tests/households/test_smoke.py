from households import services
from households.models import TransferApplication
from tests.base import CastTestCase, person_data


class ApplicationSmokeTest(CastTestCase):
    def test_a_clerk_receives_and_completes_a_household(self):
        app = self.receive(self.alice, members=[person_data(), person_data(relation="spouse", male=False)])
        self.assertEqual(app.status, TransferApplication.Status.RECEIVED)
        app = services.application_complete(application=app, actor=self.alice)
        self.assertEqual(app.status, "completed")
        self.assertEqual(app.members.filter(completed_on__isnull=False).count(), 2)
