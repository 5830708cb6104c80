"""Entitlements of the demo transfers, in realistic states. Idempotent.

* Applications completed through the services (seed_demo_households) already have their records,
  opened by the completion signal; the command moves some of them on through the services, as the
  member units would have done since (most pension and medical cases delivered, housing waiting).
* The bulk 2012 demo year is inserted without signals. For those transfers the records are written
  in bulk for a sample of households (applications whose id is a multiple of ``--every``: 1 in 10
  by default, ``--every 1`` for all of them), with states drawn to look like the report describes:
  pension and medical insurance mostly delivered within weeks, housing mostly requested or in
  progress, some refusals with their reasons, some farmland circulated under contract and a few rights given up with compensation.

People who already have records are skipped, so a second run changes nothing.
"""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from demo.people import IdNumbers, People
from entitlements import services
from entitlements.models import (
    KIND_DOMAIN,
    GuaranteeCase,
    GuaranteeEvent,
    GuaranteeKind,
    Retention,
    RetentionKind,
)
from households import services as household_services
from households.models import Household, Person, TransferApplication
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng import progress, roles
from nongzhuancheng.models import StaffAssignment

G = GuaranteeCase.State
R = Retention.State
# 户号 prefix of the households whose five-year transitions end soon (made by this command)
TRANSITION_PREFIX = "GD"
BATCH = 20_000

# (state, weight, days from request to the move: (min, max)) per kind, for the cases that are needed
STORIES = {
    GuaranteeKind.HOUSING: [(G.REQUESTED, 40, None), (G.IN_PROGRESS, 30, (15, 90)), (G.DELIVERED, 24, (60, 420)),
                            (G.REFUSED, 6, (20, 120))],
    GuaranteeKind.PENSION: [(G.DELIVERED, 84, (7, 45)), (G.IN_PROGRESS, 9, (3, 20)), (G.REQUESTED, 4, None),
                            (G.REFUSED, 3, (5, 30))],
    GuaranteeKind.MEDICAL: [(G.DELIVERED, 89, (3, 30)), (G.IN_PROGRESS, 6, (2, 10)), (G.REQUESTED, 3, None),
                            (G.REFUSED, 2, (5, 30))],
    GuaranteeKind.EMPLOYMENT: [(G.DELIVERED, 48, (20, 150)), (G.IN_PROGRESS, 14, (10, 60)), (G.REQUESTED, 33, None),
                               (G.REFUSED, 5, (10, 60))],
    GuaranteeKind.EDUCATION: [(G.DELIVERED, 90, (5, 40)), (G.IN_PROGRESS, 8, (2, 10)), (G.REQUESTED, 2, None)],
}
REFUSALS = {
    GuaranteeKind.HOUSING: ["已有城镇自有住房，不符合公共租赁住房保障条件", "家庭收入超过廉租住房保障标准",
                            "申请人自愿放弃公共租赁住房申请"],
    GuaranteeKind.PENSION: ["已参加城镇职工基本养老保险，不重复参保", "已领取被征地农民养老保障待遇"],
    GuaranteeKind.MEDICAL: ["已参加城镇职工基本医疗保险，不重复参保", "已在务工地参加医疗保险"],
    GuaranteeKind.EMPLOYMENT: ["本人已稳定就业，不需要就业援助", "本人放弃培训和创业贷款申请"],
    GuaranteeKind.EDUCATION: [],
}
DELIVERED = {
    GuaranteeKind.HOUSING: ["公共租赁住房{n}栋{r}室", "廉租住房{n}栋{r}室"],
    GuaranteeKind.PENSION: ["城镇居民社会养老保险"],
    GuaranteeKind.MEDICAL: ["城镇居民基本医疗保险"],
    GuaranteeKind.EMPLOYMENT: ["就业技能培训（建筑）", "就业技能培训（家政服务）", "推荐就业", "小额担保创业贷款5万元"],
    GuaranteeKind.EDUCATION: ["城区小学入学，享受两免一补", "城区初级中学入学，享受两免一补"],
}
COUNTERPARTIES = ["种植专业合作社", "蔬菜种植大户", "苹果种植合作社", "烤烟种植大户", "养殖专业合作社", "花椒种植合作社"]


class Command(BaseCommand):
    help = "Entitlements of the demo transfers in realistic states (skips people who already have them)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=10,
                            help="open records for every N-th bulk-inserted application (1 = all)")
        parser.add_argument("--seed", type=int, default=2012)

    def handle(self, *args, every=10, seed=2012, **options):
        self.verbosity = options.get("verbosity", 1)
        started = time.monotonic()
        today = timezone.localdate()
        actors = self.unit_actors()
        with transaction.atomic():  # one commit: each move is a savepoint inside it
            moved = self.advance_service_made(actors, today, seed)
        middle = time.monotonic()
        opened = self.open_in_bulk(actors, today, seed, max(every, 1))
        ending = self.transitions_ending_soon(today, seed)
        if ending:
            self.stdout.write(f"{ending} households transferred five years ago: their transitions end within 90 days.")
        self.stdout.write(
            f"Entitlements: {moved} cases moved on through the services ({middle - started:.1f} s), {opened:,} "
            f"people opened in bulk (1 in {max(every, 1)} bulk applications, {time.monotonic() - middle:.1f} s)."
        )

    def unit_actors(self):
        """A demo user per member-unit domain (an administrator when a unit has none)."""
        admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        by_domain = {}
        for a in StaffAssignment.objects.filter(role=roles.MEMBER_UNIT).select_related("member_unit", "user"):
            by_domain.setdefault(a.member_unit.domain, a.user)
        return {kind: by_domain.get(domain, admin) for kind, domain in KIND_DOMAIN.items()}

    # Records opened by the completion signal --------------------------------------------------

    def advance_service_made(self, actors, today, seed):
        """Work some of the cases opened by recent completions, through guarantee_move."""
        if GuaranteeEvent.objects.exclude(from_state="").exists():
            return 0  # already worked (by people or by an earlier run)
        rng = random.Random(seed)
        moved = 0
        cases = GuaranteeCase.objects.filter(state=G.REQUESTED).order_by("pk")
        for case in list(cases):
            actor = actors.get(case.kind)
            if actor is None:
                continue
            state, days = _draw(rng, case.kind)
            if state == G.REQUESTED:
                continue
            on = min(today, case.requested_on + datetime.timedelta(days=rng.randint(*days)))
            if state == G.DELIVERED and rng.random() < 0.5:
                services.guarantee_move(case=case, to=G.IN_PROGRESS, actor=actor,
                                        on=case.requested_on + (on - case.requested_on) // 2)
                moved += 1
            services.guarantee_move(
                case=case, to=state, actor=actor, on=on, reason=rng.choice(REFUSALS[case.kind] or ["—"]),
                reference=_reference(rng, case.kind) if state == G.DELIVERED else None,
            )
            moved += 1
        return moved

    # Transitions that end soon -------------------------------------------------------------

    def transitions_ending_soon(self, today, seed):
        """A dozen households completed about five years ago through the services, so that the list
        of family-planning transitions ending in the next 90 days shows someone."""
        if Household.objects.filter(number__startswith=TRANSITION_PREFIX).exists():
            return 0
        clerks = list(StaffAssignment.objects.filter(role=roles.CLERK).select_related("user", "station__county"))
        if not clerks:
            return 0
        rng = random.Random(f"{seed}-transitions")
        made = 0
        ids = IdNumbers()
        ids.taken = _Held()  # the big year holds the first numbers of every day: draw past them
        for i in range(24):  # twelve households (one refused for another reason: the next)
            if made == 12:
                break
            a = clerks[i % len(clerks)]
            completed = today.replace(year=today.year - 5) + datetime.timedelta(days=rng.randint(3, 85))
            received = completed - datetime.timedelta(days=rng.randint(1, 5))
            people = People(rng, today=completed, id_numbers=ids)
            members = people.family(a.station.county, size=rng.randint(2, 3), ethnicity="01")
            for m in members:
                m.update(category=rng.choice(["migrant_worker", "urban_village", "small_town"]),
                         destination_address=f"{a.station.county.name}建设路{rng.randint(1, 300)}号")
            try:
                with transaction.atomic():
                    app = household_services.application_create(
                        actor=a.user, household={
                            "number": f"{TRANSITION_PREFIX}{made + 1:04d}", "kind": "agricultural",
                            "head_name": members[0]["name"], "township": a.station.county.name,
                            "village": "新街村", "address": f"新街村{rng.randint(1, 200)}号",
                        }, members=members, documents=REQUIRED_DOCUMENTS, received_on=received,
                    )
                    household_services.application_complete(application=app, actor=a.user, on=completed)
            except ValidationError:
                continue  # refused: another household
            made += 1
        return made

    # Bulk-inserted transfers ---------------------------------------------------------------

    def open_in_bulk(self, actors, today, seed, every):
        """Records for a sample of the bulk-inserted transfers, opened by the service
        (entitlements_open_bulk) and shaped into realistic later states before they are written."""
        without = Person.objects.filter(
            application__status=TransferApplication.Status.COMPLETED,
            completed_on__isnull=False,
        ).filter(~Exists(Retention.objects.filter(person=OuterRef("pk"))))
        app_ids = list(without.values_list("application_id", flat=True).distinct().order_by("application_id"))
        app_ids = [pk for pk in app_ids if pk % every == 0]  # the same sample on every run
        opened = 0
        out = self.stdout if self.verbosity >= 1 else None
        with progress.bar(out, total=len(app_ids), desc="entitlement records", unit="households") as shown:
            for i in range(0, len(app_ids), BATCH // 3):
                chunk = app_ids[i:i + BATCH // 3]
                shaper = _Shaper(actors, today, random.Random(f"{seed}-{chunk[0]}"))
                opened += services.entitlements_open_bulk(
                    application_ids=chunk, person_fields=("household__village", "county__code"), shape=shaper,
                )
                shown.update(len(chunk))
        return opened


class _Held:
    """The ID numbers someone already has (``IdNumbers.taken``, asked of the database one at a time)."""

    def __contains__(self, number):
        return Person.objects.filter(id_number=number).exists()


class _Shaper:
    """Fills in the records of one household before they are written: the land rights it holds,
    some farmland circulated under contract, a few homesteads given up, and the guarantees' later
    moves drawn from STORIES (each move also becomes an event, see entitlements_open_bulk)."""

    def __init__(self, actors, today, rng):
        self.actors, self.today, self.rng = actors, today, rng

    def __call__(self, members, retentions, cases):
        rng, today, actors = self.rng, self.today, self.actors
        on = retentions[0].opened_on
        land = {  # the household's rights, recorded on each member
            "farmland": (Decimal(rng.randint(40, 450)) / 100, f"{members[0]['county__code']}-2003-{rng.randint(1, 99999):05d}"),
            "forest": (Decimal(rng.randint(0, 900)) / 100, f"林证字（2008）第{rng.randint(1, 99999):05d}号"),
            "homestead": (Decimal(rng.randint(15, 60)) / 100, f"集用（2006）第{rng.randint(1, 99999):05d}号"),
        }
        circulate = rng.random() < 0.09
        give_up_homestead = rng.random() < 0.01
        rs_of, cs_of = {}, {}
        for r in retentions:
            rs_of.setdefault(r.person_id, []).append(r)
        for c in cases:
            cs_of.setdefault(c.person_id, []).append(c)
        for m in members:
            for r in rs_of[m["pk"]]:
                if r.kind in land:
                    r.area_mu, r.certificate_no = land[r.kind]
                elif r.kind == RetentionKind.COLLECTIVE_DIVIDEND:
                    r.organisation = f"{m['household__village']}股份经济合作社"
                    r.share = Decimal(1)
                if r.kind == RetentionKind.FARMLAND and circulate:
                    moved_on = min(today, on + datetime.timedelta(days=rng.randint(30, 700)))
                    r.state, r.changed_on = R.CIRCULATED, moved_on
                    r.counterparty = m["household__village"] + rng.choice(COUNTERPARTIES)
                    r.term_ends_on = datetime.date(2027, 12, 31) if rng.random() < 0.7 else datetime.date(2030, 12, 31)
                    r.price = Decimal(rng.randrange(300, 900, 50)) * r.area_mu
                    r.contract_no = f"LZ{moved_on:%Y}{rng.randint(1, 99999):05d}"
                    r.story = [(R.KEPT, r.state, moved_on,
                                {"contract_no": ["", r.contract_no], "counterparty": ["", r.counterparty]},
                                actors.get(r.kind))]
                elif r.kind == RetentionKind.HOMESTEAD and give_up_homestead:
                    moved_on = min(today, on + datetime.timedelta(days=rng.randint(60, 900)))
                    r.state, r.changed_on = R.GIVEN_UP, moved_on
                    r.compensation = Decimal(rng.randrange(20000, 80000, 1000))
                    r.agreement_no = f"TC{moved_on:%Y}{rng.randint(1, 9999):04d}"
                    r.story = [(R.KEPT, r.state, moved_on, {"agreement_no": ["", r.agreement_no]}, actors.get(r.kind))]
            for c in cs_of[m["pk"]]:
                if c.state != G.REQUESTED:
                    continue
                state, days = _draw(rng, c.kind)
                if state == G.REQUESTED:
                    continue
                on_move = c.requested_on + datetime.timedelta(days=rng.randint(*days))
                if on_move > today:
                    state, on_move = G.IN_PROGRESS, min(today, c.requested_on + datetime.timedelta(days=days[0]))
                actor = actors.get(c.kind)
                if state == G.DELIVERED:
                    c.started_on = c.requested_on + (on_move - c.requested_on) // 2
                    c.delivered_on, c.days_to_deliver = on_move, (on_move - c.requested_on).days
                    c.reference = _reference(rng, c.kind)
                    c.story = [(G.REQUESTED, G.IN_PROGRESS, c.started_on, {}, actor),
                               (G.IN_PROGRESS, G.DELIVERED, on_move,
                                {"days_to_deliver": c.days_to_deliver, "reference": c.reference}, actor)]
                elif state == G.IN_PROGRESS:
                    c.started_on = on_move
                    c.story = [(G.REQUESTED, G.IN_PROGRESS, on_move, {}, actor)]
                else:
                    c.refused_on, c.refusal_reason = on_move, rng.choice(REFUSALS[c.kind])
                    c.story = [(G.REQUESTED, G.REFUSED, on_move, {"reason": c.refusal_reason}, actor)]
                c.state = state


def _draw(rng, kind):
    stories = STORIES[kind]
    state, _, days = rng.choices(stories, [w for _, w, _ in stories])[0]
    return state, days


def _reference(rng, kind):
    return rng.choice(DELIVERED[kind]).format(n=rng.randint(1, 30), r=f"{rng.randint(1, 18)}0{rng.randint(1, 6)}")
