"""The role × URL probe, kept as tests: what an attacker holding any post tries.

1. Every role × every object URL (detail, action, export, error file) of an object outside the
   role's scope answers exactly like a missing object (404 on GET).
2. No whole ID number of the data appears on a masked surface: every page, list, export and API
   list our apps serve without parameters, rendered as every role (and the detail pages in scope,
   before the logged click that shows a number whole).
3. No masked number is rebuildable from its surface: for every masked number any surface shows,
   even an attacker who knows the full birth date (more than any list shows beside it) and the sex
   is left with several valid numbers (households.ids), never one.

Each test collects all offenders and names them with a count, so one run lists everything.
"""

import datetime
import re

from django.urls import reverse
from rest_framework.test import APIClient

from households import ids
from households.models import Person
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, person_data
from tests.core.test_scoping_walk import (
    FIXED_VALUES,
    MISSING,
    _group_names,
    make_import_job,
    object_model,
    our_urls,
)

MASKED = re.compile(r"\b(\d{6})(\*{6,12})([0-9X]{1,4})\b")


def candidates(masked, birth_date):
    """Every valid 18-character number that shows as ``masked`` and has this birth date: the area
    and the tail as shown, the birth date as known, every value of the hidden sequence digits."""
    area, _stars, tail = MASKED.fullmatch(masked).groups()
    hidden = 4 - len(tail)  # of the three sequence digits and the check digit
    found = []
    for n in range(10 ** hidden):
        number = area + birth_date.strftime("%Y%m%d") + (f"{n:0{hidden}d}" if hidden else "") + tail
        if mask(number) != masked:
            continue
        try:
            found.append(ids.parse(number).number)
        except Exception:  # noqa: BLE001 -- a wrong check digit: not a candidate
            continue
    return found


class ProbeCase(CastTestCase):
    ROLES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "root")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.zy = cls.complete(cls, cls.alice, members=[person_data(), person_data(male=False, relation="spouse")])
        cls.ld = cls.complete(cls, cls.bob, members=[person_data(area="530621")])
        cls.open = cls.receive(cls.carol, members=[person_data()])
        make_import_job(cls.alice)
        cls.people = list(Person.objects.all())
        cls.numbers = {p.id_number: p for p in cls.people}

    def user(self, name):
        return getattr(self, name)


class RoleUrlProbeTest(ProbeCase):
    def answer(self, url):
        response = self.client.get(url)
        if response.status_code == 405:
            return "POST", self.client.post(url).status_code
        return "GET", response.status_code

    def test_every_role_gets_404_for_every_object_url_of_another_scope(self):
        offenders, checked = [], 0
        for role in self.ROLES:
            user = self.user(role)
            self.login(user)
            for _, pattern, name in our_urls(with_names=True):
                model, param = object_model(name, pattern.callback)
                if model is None or param not in _group_names(pattern.pattern):
                    continue
                visible = model._default_manager.for_user(user).values("pk")
                for obj in model._default_manager.exclude(pk__in=visible).order_by("pk")[:2]:
                    value = getattr(obj, param if param != "person_pk" else "pk")
                    urls = [u for u, _, n in our_urls({**FIXED_VALUES, param: value}, with_names=True) if n == name]
                    missing = [u for u, _, n in our_urls({**FIXED_VALUES, param: MISSING}, with_names=True)
                               if n == name]
                    for url, missing_url in zip(urls, missing, strict=True):
                        checked += 1
                        method, status = self.answer(url)
                        _, missing_status = self.answer(missing_url)
                        # a role without the action is refused (403) before anything is fetched,
                        # exactly as for a missing object; anything else out of scope is not found
                        if status != missing_status or status < 400 or (method == "GET" and status not in (403, 404)):
                            offenders.append(f"{role}: {method} {url} -> {status} (missing -> {missing_status})")
        self.assertGreaterEqual(checked, 100)
        self.assertEqual(offenders, [], f"{len(offenders)} of {checked}:" + "\n  ".join([""] + offenders))


class MaskedSurfaceProbe(ProbeCase):
    """The surfaces: every parameterless page, list and API list of our apps, the exports, and the
    detail pages in scope (before any click)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rendered = {}  # role -> [(url, body)]: the data is this class's, one rendering serves its tests

    def surfaces(self, role):
        if role not in self.rendered:
            self.rendered[role] = list(self._render(self.user(role)))
        return self.rendered[role]

    def _render(self, user):
        client = APIClient()
        self.login(user, client)
        urls = [url for url, pattern, name in our_urls(with_names=True)
                if not _group_names(pattern.pattern) and "<" not in url and "admin" not in url]
        urls += [reverse("imports:export_applications") + "?format=csv",
                 reverse("imports:export_people") + "?format=csv",
                 reverse("entitlements:queue") + "?format=csv",
                 reverse("entitlements:transitions")]
        for app in (self.zy, self.ld, self.open):
            urls.append(reverse("households:application_detail", args=[app.pk]))
            urls.append(f"/api/v1/applications/{app.pk}/")
        for person in self.people:
            urls.append(reverse("entitlements:person", args=[person.pk]))
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or response.get("Content-Type", "").startswith("application/pdf"):
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            yield url, body.decode("utf-8", errors="ignore")


class MaskedSurfaceProbeTest(MaskedSurfaceProbe):
    def test_no_whole_id_number_on_a_masked_surface_for_any_role(self):
        offenders, rendered = [], 0
        for role in self.ROLES:
            for url, body in self.surfaces(role):
                rendered += 1
                api_detail = url.startswith("/api/v1/applications/") and url.rstrip("/").split("/")[-1].isdigit()
                for number in self.numbers:
                    if number in body and not api_detail:
                        offenders.append(f"{role}: {url} shows {mask(number)} whole")
        self.assertGreaterEqual(rendered, 200)
        self.assertEqual(offenders, [], f"{len(offenders)} leaks in {rendered} surfaces:" + "\n  ".join([""] + offenders))

    def test_the_probe_would_rebuild_the_old_mask(self):
        number = ids.make("530602", datetime.date(1985, 3, 14), 123)
        old = number[:6] + "********" + number[-4:]
        area, born, tail = old[:6], datetime.date(1985, 3, 14).strftime("%Y%m%d"), old[-4:]
        self.assertEqual(ids.parse(area + born + tail).number, number)  # one candidate: rebuilt

    def test_no_masked_number_on_any_surface_is_rebuildable_even_with_the_birth_date(self):
        by_mask = {mask(n): p for n, p in self.numbers.items()}
        seen, offenders = set(), []
        for role in self.ROLES:
            for url, body in self.surfaces(role):
                for match in MASKED.finditer(body):
                    masked = match.group(0)
                    person = by_mask.get(masked)
                    if person is None or masked in seen:
                        continue
                    seen.add(masked)
                    found = candidates(masked, person.birth_date)
                    self.assertIn(person.id_number, found, masked)
                    if len(found) < 2:
                        offenders.append(f"{role}: {url}: {masked} -> {found}")
        self.assertEqual(len(seen), len(self.numbers))  # every person's masked number was probed
        self.assertEqual(offenders, [], f"{len(offenders)} of {len(seen)} rebuilt:" + "\n  ".join([""] + offenders))


class ExportsInScopeProbeTest(ProbeCase):
    def test_no_export_holds_a_person_out_of_the_roles_scope(self):
        offenders = []
        for role in self.ROLES:
            user = self.user(role)
            self.login(user)
            visible = set(Person.objects.for_user(user).values_list("name", flat=True))
            body = self.client.get(reverse("imports:export_people") + "?format=csv").content.decode("utf-8-sig")
            for person in self.people:
                if person.name not in visible and person.name in body:
                    offenders.append(f"{role}: the people export lists {person.name}")
        self.assertEqual(offenders, [], "\n  ".join([""] + offenders))

