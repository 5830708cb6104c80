"""A small hand-computed 2012 for the assessment tests. Scheme date (as_of): 2012-10-20.

Targets: 昭阳区 4, 鲁甸县 2 (from 2012-01-10); 市住房和城乡建设局 8 (linked: 昭阳区, 威信县; 威信县 has no target).
Transfers: 昭阳区 one person on 03-05 and one on 06-01 (two households, each person a head aged 27:
housing, pension, medical and employment needed, 8 guarantees); 鲁甸县 one person on 05-20 (4 guarantees).
Delivered by as_of: the housing of 昭阳区's first household (07-01). Nothing else.
Funding 昭阳区: planned ¥1,000,000; ¥300,000 spent on 05-01, ¥200,000 on 11-01 (after as_of).
Publicity 昭阳区: 10 media + 50 events on 04-01; 100 media on 12-01 (after as_of). Norm 300.
Problems 昭阳区: raised 09-03 (due 09-17) answered 09-10; raised 09-20 (due 10-10, the National Day
holiday and the adjusted working day of 09-29 counted) answered 10-12, late; raised 10-15 (due after as_of).
"""

import datetime

from entitlements.models import GuaranteeCase, GuaranteeKind
from entitlements.services import guarantee_move
from households import services as households
from nongzhuancheng.models import County
from nongzhuancheng.roles import CITY_READER
from oversight import services
from oversight.models import Group
from quotas.models import Level
from quotas.services import target_set
from tests.base import CastTestCase, make_user, person_data

D = datetime.date


def office_user(username):
    """A member of the city office's staff (a city reader who is staff: scores, publishes, answers)."""
    user = make_user(username, CITY_READER)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user
AS_OF = D(2012, 10, 20)


class AssessmentScenario(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.weixin = County.objects.get(code="530629")
        cls.olga = office_user("olga")
        for county, amount in ((cls.zhaoyang, 4), (cls.ludian, 2)):
            target_set(actor=cls.root, year=2012, level=Level.COUNTY, county=county, amount=amount,
                       effective_on=D(2012, 1, 10))
        target_set(actor=cls.root, year=2012, level=Level.MEMBER_UNIT, member_unit=cls.housing, amount=8,
                   effective_on=D(2012, 1, 10))

        def done(actor, day, area):
            app = CastTestCase.receive(actor, members=[person_data(area=area, birth=D(1985, 3, 14))], received_on=day)
            return households.application_complete(application=app, actor=actor, on=day)

        cls.zy1 = done(cls.alice, D(2012, 3, 5), "530602")
        done(cls.alice, D(2012, 6, 1), "530602")
        done(cls.bob, D(2012, 5, 20), "530621")
        housing = GuaranteeCase.objects.get(application=cls.zy1, kind=GuaranteeKind.HOUSING)
        guarantee_move(case=housing, to=GuaranteeCase.State.DELIVERED, actor=cls.root, on=D(2012, 7, 1),
                       reference="公租房")

        project = services.funding_project_create(actor=cls.dave, year=2012, kind="housing", name="公租房",
                                                  planned_amount=1_000_000, output_unit="flats", planned_output=100)
        services.funding_entry_add(actor=cls.dave, project=project, spent_on=D(2012, 5, 1), amount=300_000, output=30)
        services.funding_entry_add(actor=cls.dave, project=project, spent_on=D(2012, 11, 1), amount=200_000, output=20)
        services.publicity_record(actor=cls.dave, held_on=D(2012, 4, 1), media_campaigns=10, onsite_events=50,
                                  leaflets=5000)
        services.publicity_record(actor=cls.dave, held_on=D(2012, 12, 1), media_campaigns=100)

        cls.p1 = services.problem_raise(actor=cls.dave, title="问题一", description="说明", raised_on=D(2012, 9, 3))
        services.problem_move(problem=cls.p1, move="answer", actor=cls.olga, note="答复", on=D(2012, 9, 10))
        cls.p2 = services.problem_raise(actor=cls.dave, title="问题二", description="说明", raised_on=D(2012, 9, 20))
        services.problem_move(problem=cls.p2, move="answer", actor=cls.root, note="答复", on=D(2012, 10, 12))
        cls.p3 = services.problem_raise(actor=cls.dave, title="问题三", description="说明", raised_on=D(2012, 10, 15))

        cls.county_scheme = services.scheme_create(actor=cls.root, year=2012, group=Group.COUNTY, as_of=AS_OF,
                                                   title="目标责任考核", document_number="昭政办发〔2012〕18号")
        cls.unit_scheme = services.scheme_create(actor=cls.root, year=2012, group=Group.MEMBER_UNIT, as_of=AS_OF)

