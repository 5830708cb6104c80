"""django-import-export resources for the admin's export buttons and the benchmark's library path.

Field mapping only: the product's import (validation, households, applications, events) is
``households.imports``; exports from the site's pages are ``households.export_views``. Column names
are the import template's, so a sheet exported here can be fixed and imported again."""

from import_export import fields, resources
from import_export.widgets import DateWidget, ForeignKeyWidget

from nongzhuancheng.exports import neutralise
from nongzhuancheng.models import County, PoliceStation

from .models import Person, TransferApplication


class NeutralisingResource(resources.ModelResource):
    """Text cells a spreadsheet would run as a formula get a leading apostrophe on export."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


class PersonResource(NeutralisingResource):
    county = fields.Field(attribute="county", column_name="县区", widget=ForeignKeyWidget(County, field="name"))
    station = fields.Field(attribute="station", column_name="派出所编号",
                           widget=ForeignKeyWidget(PoliceStation, field="code"))
    name = fields.Field(attribute="name", column_name="姓名")
    id_number = fields.Field(attribute="id_number", column_name="公民身份号码")
    sex = fields.Field(attribute="sex", column_name="性别")
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=DateWidget("%Y-%m-%d"))
    category = fields.Field(attribute="category", column_name="转户类别")
    destination_address = fields.Field(attribute="destination_address", column_name="迁入城镇地址")
    completed_on = fields.Field(attribute="completed_on", column_name="办结日期", widget=DateWidget("%Y-%m-%d"))

    class Meta:
        model = Person
        fields = ("county", "station", "name", "id_number", "sex", "birth_date", "category",
                  "destination_address", "completed_on")
        import_id_fields = ()


class ApplicationResource(NeutralisingResource):
    number = fields.Field(attribute="number", column_name="申请编号")
    county = fields.Field(attribute="county", column_name="县区", widget=ForeignKeyWidget(County, field="name"))
    station = fields.Field(attribute="station", column_name="派出所编号",
                           widget=ForeignKeyWidget(PoliceStation, field="code"))
    household = fields.Field(attribute="household__number", column_name="户号")
    status = fields.Field(attribute="get_status_display", column_name="办理状态")
    received_on = fields.Field(attribute="received_on", column_name="受理日期", widget=DateWidget("%Y-%m-%d"))
    completed_on = fields.Field(attribute="completed_on", column_name="办结日期", widget=DateWidget("%Y-%m-%d"))

    class Meta:
        model = TransferApplication
        fields = ("number", "county", "station", "household", "status", "received_on", "completed_on")
