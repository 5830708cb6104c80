from .scoping import assignment_of, role_of


def assignment(request):
    user = getattr(request, "user", None)
    return {"nzc_assignment": assignment_of(user), "nzc_role": role_of(user)}
