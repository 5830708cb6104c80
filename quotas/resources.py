"""django-import-export resources: targets and survey pools from spreadsheets (field mapping and
row validation only). Counties are named by their GB/T 2260 code, member units by their code."""

import datetime

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from households.reference import Category
from nongzhuancheng.models import County, MemberUnit

from .models import Level, SurveyPool, Target, TargetRevision


class SurveyPoolResource(resources.ModelResource):
    county = fields.Field(attribute="county", column_name="county_code",
                          widget=widgets.ForeignKeyWidget(County, field="code"))

    class Meta:
        model = SurveyPool
        fields = ("survey_year", "county", "category", "eligible", "note")
        import_id_fields = ("survey_year", "county", "category")
        skip_unchanged = True

    def before_import_row(self, row, **kwargs):
        if row.get("category") not in Category.values:
            raise ValidationError(f"unknown category {row.get('category')!r}")


class TargetRevisionResource(resources.ModelResource):
    """One row a revision: year, level, county_code or member_unit_code, amount, effective_on, document."""

    year = fields.Field(column_name="year", attribute="target__year", readonly=True)
    level = fields.Field(column_name="level", attribute="target__level", readonly=True)
    county_code = fields.Field(column_name="county_code", attribute="target__county__code", readonly=True)
    member_unit_code = fields.Field(column_name="member_unit_code", attribute="target__member_unit__code",
                                    readonly=True)
    target = fields.Field(attribute="target", column_name="target_id",
                          widget=widgets.ForeignKeyWidget(Target))

    class Meta:
        model = TargetRevision
        fields = ("year", "level", "county_code", "member_unit_code", "target", "amount", "effective_on",
                  "document_number", "note")
        import_id_fields = ("target", "effective_on")
        export_order = fields

    def before_import(self, dataset, **kwargs):
        """Find or create the target each row revises, from year, level and holder code."""
        ids = []
        for row in dataset.dict:
            ids.append(self.target_for(row).pk)
        if "target_id" in dataset.headers:
            del dataset["target_id"]
        dataset.append_col(ids, header="target_id")

    @staticmethod
    def target_for(row):
        level = (row.get("level") or "").strip()
        if level not in Level.values:
            raise ValidationError(f"unknown level {level!r}")
        lookup = {"year": int(row.get("year")), "level": level}
        if level == Level.COUNTY:
            lookup["county"] = County.objects.get(code=str(row.get("county_code")).strip())
        elif level == Level.MEMBER_UNIT:
            lookup["member_unit"] = MemberUnit.objects.get(code=str(row.get("member_unit_code")).strip())
        target, _ = Target.objects.get_or_create(**lookup)
        return target

    def before_import_row(self, row, **kwargs):
        effective_on = row.get("effective_on")
        if isinstance(effective_on, datetime.datetime):
            row["effective_on"] = effective_on.date()
