"""Workflows as data: one move table per workflow, one helper that performs a move.

Each workflow (applications, guarantee cases, retentions, import jobs, bulletins) is a ``Workflow``:
a list of named ``Move`` rows — from which states, to which state, the button's label, what the note
is for and whether it is required, whether the move is final (the page asks for confirmation) and
which action of the policy (``nongzhuancheng.scoping.POLICY``) a user needs to make it. Pages, the
API, templates and tests read the table; nothing else lists the moves.

``transition()`` is the one writer of a workflow's state field: it checks the policy, fetches the
row through the user's scope and locks it, checks the table, lets the service apply what the move
changes besides the state, saves, and lets the service record the event — all in one transaction.
Moves the system makes (a worker starting a job) have no action and are made with ``actor=None``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .history import set_history_user
from .scoping import VIEW, require


class TransitionNotAllowed(ValidationError):
    """The table has no such move from the record's state (or the move does not fit the record)."""


@dataclass(frozen=True)
class Move:
    name: str  # the move's name in URLs, forms and the API ("complete")
    sources: frozenset[str]  # the states it may start from
    target: str  # the state it leads to
    label: Any  # the button's words (lazy gettext)
    action: str | None = None  # the policy action a user needs; None: only the system makes it
    note_label: Any = ""  # what the note is for, shown beside its box ("需补正的材料")
    note_required: Any = ""  # the message when the note is left empty; empty: the note is optional
    final: bool = False  # ends the workflow or cannot be undone: pages ask for confirmation
    applies_to: Callable[[Any], bool] | None = field(default=None, compare=False)  # extra condition on the row

    def fits(self, obj: Any) -> bool:
        return self.applies_to is None or bool(self.applies_to(obj))


class Workflow:
    """The move table of one model's state field."""

    def __init__(self, *, model_label: str, state_field: str, states: type[models.TextChoices],
                 moves: Sequence[Move]):
        self.model_label = model_label
        self.state_field = state_field
        self.states = states
        self.moves: dict[str, Move] = {}
        for move in moves:
            if move.name in self.moves:
                raise ValueError(f"{model_label}: move {move.name!r} listed twice")
            unknown = ({move.target} | set(move.sources)) - set(states.values)
            if unknown:
                raise ValueError(f"{model_label}: move {move.name!r} names unknown states {sorted(unknown)}")
            self.moves[move.name] = move

    def __iter__(self) -> Iterator[Move]:
        return iter(self.moves.values())

    def get(self, name: str) -> Move:
        try:
            return self.moves[name]
        except KeyError:
            raise TransitionNotAllowed(_("没有名为“%(n)s”的操作。") % {"n": name}, code="unknown_move") from None

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.state_field)

    def moves_from(self, state: str, obj: Any = None) -> list[Move]:
        """The moves the table allows from ``state`` (and that fit ``obj``, when given)."""
        return [m for m in self if state in m.sources and (obj is None or m.fits(obj))]

    def moves_for(self, obj: Any, user: Any = None) -> list[Move]:
        """The moves a user may make on ``obj`` now (the user's role holds the move's action)."""
        from .scoping import allows

        moves = self.moves_from(self.state_of(obj), obj)
        if user is None:
            return moves
        return [m for m in moves if m.action is not None and allows(user, m.action)]

    def targets_from(self, state: str) -> set[str]:
        return {m.target for m in self.moves_from(state)}

    @property
    def transitions(self) -> dict[str, set[str]]:
        """{state: {states it may move to}}, derived from the moves."""
        return {state: self.targets_from(state) for state in self.states.values}

    def between(self, source: str, target: str) -> Move | None:
        """The move from ``source`` to ``target`` (for services that are told the target)."""
        for move in self:
            if source in move.sources and move.target == target:
                return move
        return None

    def check(self, move: Move, obj: Any) -> None:
        state = self.state_of(obj)
        if state not in move.sources or not move.fits(obj):
            raise TransitionNotAllowed(
                _("不能从“%(a)s”变为“%(b)s”。") % {"a": self.states(state).label, "b": self.states(move.target).label},
                code="transition",
            )

    def state_label(self, value: str) -> str:
        try:
            return str(self.states(value).label)
        except ValueError:
            return value


def transition(
    *,
    workflow: Workflow,
    move: Move | str,
    obj: models.Model | int,
    queryset: models.QuerySet | models.Manager,
    actor: Any = None,
    note: str = "",
    apply: Callable[[Any, Move], Iterable[str] | None] | None = None,
    record: Callable[[Any, str, Move], object] | None = None,
) -> Any:
    """Perform ``move`` on ``obj`` (an instance or a pk): the one writer of a workflow's state.

    In one transaction: the policy (``move.action``, 403), the row fetched through the actor's scope
    for that action and locked (missing or out of scope: DoesNotExist, answered 404), the table
    (``TransitionNotAllowed``), the note if the move requires one, then ``apply(row, move)`` — which
    checks and sets what the move changes besides the state and returns the names of those fields —
    the save, and ``record(row, state_before, move)`` for the event row.
    """
    if isinstance(move, str):
        move = workflow.get(move)
    pk = obj.pk if isinstance(obj, models.Model) else obj
    with transaction.atomic():
        if move.action is not None:
            require(actor, move.action)
            rows = queryset.for_user(actor, move.action)  # type: ignore[union-attr]
        elif actor is not None and hasattr(queryset, "for_user"):
            rows = queryset.for_user(actor, VIEW)
        else:
            rows = queryset.all()
        row = rows.select_for_update().get(pk=pk)
        workflow.check(move, row)
        if move.note_required and not (note or "").strip():
            raise ValidationError({"note": [str(move.note_required)]}, code="note_required")
        before = workflow.state_of(row)
        fields = list(apply(row, move) or ()) if apply is not None else []
        setattr(row, workflow.state_field, move.target)
        update = {workflow.state_field, *fields}
        if any(f.name == "updated_at" for f in row._meta.concrete_fields):
            update.add("updated_at")
        if actor is not None:
            set_history_user(row, actor)
        row.save(update_fields=sorted(update))
        if record is not None:
            record(row, before, move)
    return row
