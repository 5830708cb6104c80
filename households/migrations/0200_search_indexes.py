"""Name prefix indexes for the search box (``selectors.application_ids_matching``).

``varchar_pattern_ops`` lets PostgreSQL answer ``name LIKE '张伟%'`` from a B-tree whatever the
database's collation; other databases build a plain index (the operator class is PostgreSQL's only).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("households", "0002_import_jobs")]

    operations = [
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["head_name"], name="household_head_name_prefix", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]),
        ),
    ]
