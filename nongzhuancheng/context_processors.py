from .navigation import menu_for
from .scoping import FieldsShown, actions_of, assignment_of


def assignment(request):
    """The user's post (shown in the header), the actions of the policy the user may take (templates
    ask ``{% if "application.move" in nzc_actions %}``, never a role's name) and the header's menu
    (``nongzhuancheng.navigation``), and the fields the user may see of a person, household or
    application (``{% if "phone" in nzc_fields.person %}``: ``scoping.visible_fields``)."""
    user = getattr(request, "user", None)
    authenticated = bool(getattr(user, "is_authenticated", False))
    return {"nzc_assignment": assignment_of(user), "nzc_actions": actions_of(user),
            "nzc_menu": menu_for(user, getattr(request, "path", "")) if authenticated else [],
            "nzc_fields": FieldsShown(user)}
