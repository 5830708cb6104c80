"""A small hand-computed 2012 for the progress tests (figures worked out by hand in the tests).

Targets: city 350 from 2012-01-10, raised to 500 on 2012-06-03; province 130 from 2012-01-01;
昭阳区 10 → 20 (same dates), 鲁甸县 8, 盐津县 5. Other counties have no target.

Completed (persons): 昭阳区 2 on 03-05 (alice), 3 on 10-05 (carol), 1 on 10-12 (alice), and 1 on
2011-12-30 (last year); 鲁甸县 1 on 05-20, 2 on 10-12 (bob); 盐津县 4 on 02-01 (urban_village).
Never counted: one returned, one rejected and one withdrawn application in 昭阳区.
"""

import datetime

from households import services
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng.models import County, PoliceStation
from quotas.models import Level
from quotas.services import target_set
from tests.base import CastTestCase, person_data

D = datetime.date
AS_OF = D(2012, 10, 15)


class ScenarioTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.yanjin = County.objects.get(code="530623")
        cls.yj_station = PoliceStation.objects.get(code="53062301")
        for amount, on, doc in ((350, D(2012, 1, 10), "昭政办发〔2012〕18号"), (500, D(2012, 6, 3), "昭城统组〔2012〕1号")):
            target_set(actor=cls.root, year=2012, level=Level.CITY, amount=amount, effective_on=on, document_number=doc)
        target_set(actor=cls.root, year=2012, level=Level.PROVINCE, amount=130, effective_on=D(2012, 1, 1))
        target_set(actor=cls.root, year=2012, level=Level.COUNTY, county=cls.zhaoyang, amount=10, effective_on=D(2012, 1, 10))
        target_set(actor=cls.root, year=2012, level=Level.COUNTY, county=cls.zhaoyang, amount=20, effective_on=D(2012, 6, 3))
        target_set(actor=cls.root, year=2012, level=Level.COUNTY, county=cls.ludian, amount=8, effective_on=D(2012, 1, 10))
        target_set(actor=cls.root, year=2012, level=Level.COUNTY, county=cls.yanjin, amount=5, effective_on=D(2012, 1, 10))

        def done(actor, day, n, area, **extra):
            members = [person_data(area=area, **extra) for _ in range(n)]
            app = CastTestCase.receive(actor, members=members, received_on=day)
            return services.application_complete(application=app, actor=actor, on=day)

        cls.zy_march = done(cls.alice, D(2012, 3, 5), 2, "530602")
        cls.zy_oct5 = done(cls.carol, D(2012, 10, 5), 3, "530602")
        cls.zy_late = done(cls.alice, D(2012, 10, 12), 1, "530602")
        done(cls.alice, D(2011, 12, 30), 1, "530602")
        done(cls.bob, D(2012, 5, 20), 1, "530621")
        done(cls.bob, D(2012, 10, 12), 2, "530621")
        yj = services.application_create(
            actor=cls.root, station=cls.yj_station, received_on=D(2012, 2, 1),
            household={"number": "YJ0001", "kind": "agricultural", "head_name": "户主", "township": "盐井镇",
                       "village": "城中村", "address": "盐井镇1号"},
            members=[person_data(area="530623", category="urban_village") for _ in range(4)],
            documents=REQUIRED_DOCUMENTS,
        )
        services.application_complete(application=yj, actor=cls.root, on=D(2012, 2, 1))

        returned = CastTestCase.receive(cls.alice, received_on=D(2012, 10, 1))
        services.application_return(application=returned, actor=cls.alice, note="缺户口簿")
        rejected = CastTestCase.receive(cls.alice, received_on=D(2012, 10, 1))
        services.application_reject(application=rejected, actor=cls.alice, note="不符合条件")
        withdrawn = CastTestCase.receive(cls.alice, received_on=D(2012, 10, 1))
        services.application_withdraw(application=withdrawn, actor=cls.alice, note="本人撤回")
