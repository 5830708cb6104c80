from .scoping import actions_of, assignment_of


def assignment(request):
    """The user's post (shown in the header) and the actions of the policy the user may take:
    templates ask ``{% if "application.move" in nzc_actions %}``, never a role's name."""
    user = getattr(request, "user", None)
    return {"nzc_assignment": assignment_of(user), "nzc_actions": actions_of(user)}
