"""The session's user, loaded with the assignment scoping reads (one query a request, not two)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .scoping import ASSIGNMENT_PATHS


class AssignmentModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related(*ASSIGNMENT_PATHS).get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
