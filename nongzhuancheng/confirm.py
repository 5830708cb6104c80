"""The confirmation step of a final move (办结, 不予办理, 落实, 无需办理, 公布, …).

A form of a final move carries ``data-confirm``: with JavaScript the browser asks in a dialog and, on
yes, sends ``confirmed=1`` with the form. Without it (or if the field is missing) the view answers
this page instead of moving: what is about to happen, the note typed, and a button that sends the
same form again with ``confirmed=1``. A move whose required note is empty is not confirmed first: the
service refuses it with its own message."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from .scoping import require
from .workflow import Move

CONFIRMED = "confirmed"


def confirmation_page(request: Any, *, move: Move, subject: str, back: str,
                      note_field: str = "note") -> HttpResponse | None:
    """None when the move may go ahead (not final, or confirmed); else the confirmation page."""
    if move.action is not None:
        require(request.user, move.action)  # a role that may not make the move is refused first (403)
    if not move.final or request.POST.get(CONFIRMED) == "1":
        return None
    if move.note_required and not (request.POST.get(note_field) or "").strip():
        return None  # the service refuses it, with the message of the table
    fields: list[tuple[str, Any]] = [
        (name, value) for name, values in request.POST.lists() if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    shown = [(name, value) for name, value in fields if value and name not in ("move", "action")]
    return render(request, "confirm_move.html", {
        "move": move, "subject": subject, "back": back, "fields": fields, "shown": shown,
        "action": request.get_full_path(),
    })
