"""The service guide's first text (public/content.py), loaded once; the city office edits it afterwards."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from public.content import ENTRIES

    GuideEntry = apps.get_model("public", "GuideEntry")
    History = apps.get_model("public", "HistoricalGuideEntry")
    section_order = {}
    for section, key, title, body, proof in ENTRIES:
        ordering = section_order[section] = section_order.get(section, 0) + 1
        entry, created = GuideEntry.objects.get_or_create(
            key=key, defaults={"section": section, "title": title, "body": body, "proof": proof, "ordering": ordering},
        )
        if created:  # the first revision, so that every later edit has one to differ from
            History.objects.create(
                id=entry.pk, section=section, key=key, title=title, body=body, proof=proof, ordering=ordering,
                published=True, history_date=timezone.now(), history_type="+",
                history_change_reason="2012年10月24日市政府工作情况报告",
            )


def unseed(apps, schema_editor):
    apps.get_model("public", "GuideEntry").objects.all().delete()
    apps.get_model("public", "HistoricalGuideEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
