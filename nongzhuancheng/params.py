"""Query parameters, read through one declared form on every page, export and API endpoint.

A view declares its parameters as a ``ParamsForm`` (or a django-filter FilterSet, whose form is one) and
reads them with ``read(FormClass, request.GET)``. Dates are bounded to the years the product covers
(``NZC_FIRST_YEAR`` … ``NZC_LAST_YEAR``, read here only), text and numbers to sizes, so nothing odd
reaches a query or the period arithmetic. A bad parameter raises ``BadParameters``: a page answers 400
with a Chinese message naming the parameter (``BadParametersMiddleware``), the API a 400 with the
message under the parameter's name (``api_exception_handler``). Parameters a view does not declare are
ignored.
"""

import datetime
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend, FilterSet

MAX_TEXT = 100  # characters of a search or code parameter
MAX_PAGE = 1_000_000  # a page number beyond any list


def first_year() -> int:
    """The first year the product covers (``NZC_FIRST_YEAR``)."""
    return int(settings.NZC_FIRST_YEAR)


def last_year() -> int:
    """The last year the product covers (``NZC_LAST_YEAR``)."""
    return int(settings.NZC_LAST_YEAR)


def _check_year(year: int) -> None:
    if not first_year() <= year <= last_year():
        raise ValidationError(
            _("须在 %(first)s 年至 %(last)s 年之间。"), code="out_of_range",
            params={"first": first_year(), "last": last_year()},
        )


class DateParam(forms.DateField):
    """An ISO date inside the years the product covers."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None:
            _check_year(value.year)


class YearParam(forms.IntegerField):
    """A year the product covers."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate(self, value: int | None) -> None:
        super().validate(value)
        if value is not None:
            _check_year(value)


class TextParam(forms.CharField):
    """Free text (a search), at most MAX_TEXT characters, no NUL (CharField refuses it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_TEXT)
        super().__init__(**kwargs)


class PageParam(forms.IntegerField):
    """A page number of a list (1 … MAX_PAGE; past the last page shows the last)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_PAGE)
        kwargs.setdefault("label", _("页码"))
        super().__init__(**kwargs)


class FormatParam(forms.ChoiceField):
    """The export format of a list (empty: the page itself)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("导出格式"))
        kwargs.setdefault("choices", [("", ""), ("xlsx", "xlsx"), ("csv", "csv")])
        super().__init__(**kwargs)


class SortParam(forms.ChoiceField):
    """A list's sort: one of its whitelisted keys (``nongzhuancheng.pagination.SortKey``), ascending,
    or descending with a leading minus (``-received_on``); empty: the list's own order."""

    def __init__(self, *, keys: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("排序"))
        choices = [("", "")]
        for key in keys:
            choices += [(key.name, key.name), (f"-{key.name}", f"-{key.name}")]
        kwargs.setdefault("choices", choices)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


class CursorParam(forms.RegexField):
    """Where a keyset page starts (``after``): the last row's sort value and id, as the next link wrote it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("起始位置"))
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(r"^(\d{4}-\d{2}-\d{2}~)?\d{1,12}$", **kwargs)


class ParamsForm(forms.Form):
    """Base of the forms that declare a view's query parameters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class BadParameters(BadRequest):
    """Query parameters that a view's form refused: ``errors`` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None) -> None:
        self.errors = errors
        self.labels = labels or {}
        super().__init__(self.text())

    @classmethod
    def from_form(cls, form: forms.BaseForm) -> "BadParameters":
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        labels = {name: str(form.fields[name].label or "") for name in errors if name in form.fields}
        return cls(errors, labels)

    def lines(self) -> list[str]:
        """One Chinese line a parameter: 参数 as_of（截至日期）：须在 2010 年至 2031 年之间。"""
        out = []
        for name, messages in self.errors.items():
            label = self.labels.get(name)
            shown = f"{name}（{label}）" if label else name
            out.append(gettext("参数 %(name)s：%(message)s") % {"name": shown, "message": " ".join(messages)})
        return out

    def text(self) -> str:
        return "；".join(self.lines())


def read(form_class: type[forms.BaseForm], data: Any, **kwargs: Any) -> dict[str, Any]:
    """The cleaned parameters of ``data`` (a QueryDict) by ``form_class``; BadParameters if any is bad."""
    form = form_class(data, **kwargs)
    return cleaned(form)


def read_api(form_class: type[forms.BaseForm], data: Any, **kwargs: Any) -> dict[str, Any]:
    """``read`` for an API request: a typed parameter sent empty is refused too (``refuse_empty``)."""
    form = form_class(data, **kwargs)
    refuse_empty(form, data)
    return cleaned(form)


def refuse_empty(form: forms.BaseForm, data: Any) -> None:
    """BadParameters naming each typed parameter of ``form`` (every field but free text) that ``data``
    (a QueryDict) holds with an empty or blank value: the API's rule (pages take it as no filter)."""
    errors, labels = {}, {}
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) or name not in data:
            continue
        if any(not str(value).strip() for value in data.getlist(name)):
            errors[name] = [str(_("不能为空：不按此项筛选时请不传该参数。"))]
            labels[name] = str(field.label or "")
    if errors:
        raise BadParameters(errors, labels)


def cleaned(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or BadParameters naming every parameter it refused."""
    if not form.is_valid():
        raise BadParameters.from_form(form)
    return form.cleaned_data


class BadParametersMiddleware:
    """A page whose view raised BadParameters answers 400 with the message (the 400 error page)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BadParameters):
            return None
        from .errors import bad_request

        return bad_request(request, exception)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes ``0.5`` for an integer column)."""

    field_class = forms.IntegerField


class ApiFilterSet(FilterSet):
    """The base of the filtersets a viewset's ``filterset_fields`` makes: an integer column filters
    by a whole number, as the schema says (``type: integer``)."""

    FILTER_DEFAULTS = {
        **FilterSet.FILTER_DEFAULTS,
        **{field: {"filter_class": IntegerFilter} for field in (
            models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField,
            models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
            models.PositiveSmallIntegerField, models.PositiveBigIntegerField)},
    }


class ValidatingFilterSet(FilterSet):
    """A FilterSet that only validates and documents its parameters: its ``filter_queryset`` reads
    ``form.cleaned_data`` and hands the values on (to a selector), never calling a filter's own
    ``filter``. Its filters are therefore not deep-copied for every request, and its form class is
    made once a class (django-filter makes both anew for each request: a third of a search request's
    Python time on the application list)."""

    _form_classes: dict[type, type] = {}

    def __init__(self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None) -> None:
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset if queryset is not None else self._meta.model._default_manager.all()
        self.request = request
        self.form_prefix = prefix
        self.filters = self.base_filters  # read, never bound to this instance

    def get_form_class(self) -> Any:
        cls = type(self)
        form_class = self._form_classes.get(cls)
        if form_class is None:
            fields = {name: f.field for name, f in self.base_filters.items()}
            form_class = self._form_classes[cls] = type(f"{cls.__name__}Form", (self._meta.form,), fields)
        return form_class


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend with the API's rule for empty values (``refuse_empty``): the
    filterset's form is the one the pages read, the rule is the API's."""

    filterset_base = ApiFilterSet

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            refuse_empty(filterset.form, request.query_params)
        return filterset


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's handler, plus BadParameters as a 400 ``{parameter: [message]}`` in the user's language."""
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    if isinstance(exc, BadParameters):
        return Response({name: [line] for name, line in zip(exc.errors, exc.lines(), strict=True)}, status=400)
    return exception_handler(exc, context)
