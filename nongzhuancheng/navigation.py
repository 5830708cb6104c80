"""The header's menu, written once: each item names the page and the actions of the policy that make
it useful (``nongzhuancheng.scoping.POLICY``). A user sees an item when the policy allows any of its
actions, so a member unit sees no 受理 or 导入, a clerk no 访问记录; templates never test a role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .scoping import (
    ACCESS_LOG_VIEW,
    APPLICATION_RECEIVE,
    COMPLETION_APPROVE,
    CORRECTION_REQUEST,
    GRIEVANCE_ANSWER,
    IMPORT_RUN,
    PUBLIC_CONTENT_EDIT,
    QUALITY_VIEW,
    VIEW,
    VIEW_STATISTICS,
    actions_of,
)


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: Any
    actions: tuple[str, ...]  # any one of them shows the item

    def shown_to(self, actions: set[str]) -> bool:
        return any(a in actions for a in self.actions)


MENU: tuple[MenuItem, ...] = (
    MenuItem("households:application_new", _("受理"), (APPLICATION_RECEIVE,)),
    MenuItem("households:application_list", _("转户申请"), (VIEW,)),
    MenuItem("households:overdue", _("超期"), (VIEW,)),
    MenuItem("households:correction_list", _("更正"), (CORRECTION_REQUEST,)),
    MenuItem("households:approval_queue", _("待审批"), (COMPLETION_APPROVE,)),
    MenuItem("imports:start", _("导入"), (IMPORT_RUN,)),
    MenuItem("quotas:dashboard", _("进度"), (VIEW,)),
    MenuItem("entitlements:queue", _("权益保障"), (VIEW,)),
    MenuItem("insights:table", _("统计"), (VIEW_STATISTICS,)),
    MenuItem("quality:queue", _("数据质量"), (QUALITY_VIEW,)),
    MenuItem("reports:bulletin_list", _("旬报"), (VIEW,)),
    MenuItem("oversight:overview", _("督查考核"), (VIEW,)),
    # the offices' side of the public service: pre-fills to receive, questions to answer, the guide
    MenuItem("public:office", _("公众服务"), (APPLICATION_RECEIVE, GRIEVANCE_ANSWER, PUBLIC_CONTENT_EDIT)),
    MenuItem("access_log", _("访问记录"), (ACCESS_LOG_VIEW,)),
)


def menu_for(user: Any, path: str = "") -> list[dict[str, Any]]:
    """The items the user may use, with their URLs (pages not installed are left out) and which is open."""
    actions = actions_of(user)
    items = []
    for item in MENU:
        if not item.shown_to(actions):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "url_name": item.url_name,
                      "active": bool(path) and path.startswith(url) and url != "/"})
    return items
