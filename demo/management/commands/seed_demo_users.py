"""Demo users for every role. All share the password in DEMO_PASSWORD (documented in the README)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from nongzhuancheng import roles
from nongzhuancheng.models import County, MemberUnit, PoliceStation, StaffAssignment

DEMO_PASSWORD = "nzc-demo-2012"

# username, full name, role, place
DEMO_USERS = [
    ("admin", "系统管理员", roles.ADMIN, {}),
    ("city", "市领导组办公室", roles.CITY_READER, {}),
    ("clerk_zhaoyang", "昭阳区城区派出所窗口", roles.CLERK, {"station": "53060201"}),
    ("clerk_zhaoyang2", "昭阳区第2派出所窗口", roles.CLERK, {"station": "53060202"}),
    ("clerk_ludian", "鲁甸县城区派出所窗口", roles.CLERK, {"station": "53062101"}),
    ("clerk_zhenxiong", "镇雄县城区派出所窗口", roles.CLERK, {"station": "53062701"}),
    ("county_zhaoyang", "昭阳区城乡统筹办", roles.COUNTY_OFFICER, {"county": "530602"}),
    ("county_ludian", "鲁甸县城乡统筹办", roles.COUNTY_OFFICER, {"county": "530621"}),
    ("county_zhenxiong", "镇雄县城乡统筹办", roles.COUNTY_OFFICER, {"county": "530627"}),
    ("unit_housing", "市住建局", roles.MEMBER_UNIT, {"member_unit": "housing"}),
    ("unit_hrss", "市人社局", roles.MEMBER_UNIT, {"member_unit": "hrss"}),
    ("unit_health", "市卫生局", roles.MEMBER_UNIT, {"member_unit": "health"}),
    ("unit_education", "市教育局", roles.MEMBER_UNIT, {"member_unit": "education"}),
    ("unit_land", "市国土资源局", roles.MEMBER_UNIT, {"member_unit": "land"}),
    ("unit_forestry", "市林业局", roles.MEMBER_UNIT, {"member_unit": "forestry"}),
    ("unit_family_planning", "市人口计生委", roles.MEMBER_UNIT, {"member_unit": "family_planning"}),
    ("unit_agriculture", "市农业局", roles.MEMBER_UNIT, {"member_unit": "agriculture"}),
]


class Command(BaseCommand):
    help = "Create the demo users for every role (password: %s)." % DEMO_PASSWORD

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        hashed = None  # one hash for the one demo password: 17 hashings took a minute on a busy machine
        for username, full_name, role, place in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
            if created:
                hashed = hashed or make_password(DEMO_PASSWORD)
                user.password = hashed
            user.is_staff = role in (roles.ADMIN, roles.COUNTY_OFFICER, roles.CITY_READER)
            user.is_superuser = role == roles.ADMIN
            user.save()
            kwargs = {"role": role, "county": None, "station": None, "member_unit": None}
            if "station" in place:
                kwargs["station"] = PoliceStation.objects.get(code=place["station"])
                kwargs["county"] = kwargs["station"].county
            if "county" in place:
                kwargs["county"] = County.objects.get(code=place["county"])
            if "member_unit" in place:
                kwargs["member_unit"] = MemberUnit.objects.get(code=place["member_unit"])
            StaffAssignment.objects.update_or_create(user=user, defaults=kwargs)
        self.stdout.write(f"{len(DEMO_USERS)} demo users ready (password {DEMO_PASSWORD}).")
