"""The one transition engine: every state change of every stateful model goes through it.

A model's life is a `Machine`: a table of `Transition` rows (data) and the few
model-specific hooks the writer needs (how to lock the row, how to write a
history line, who counts as "owner"). A row says

- `action`, `sources` → `target`: from which states the action leads where;
- `actor` and `may`: who may do it (a predicate of the user and the object);
- `guard`: a function that checks the row's own rule and may refuse
  (raise `TransitionError`) or fill fields before the write;
- `emits`: the notification events it sends, each with its audience and context;
- `effects`: other follow-ups inside the same transaction (e.g. closing the
  bidding puts every submitted bid under review).

`Machine.apply()` is the writer: it locks the row (`select_for_update`),
checks the table, the actor and the guard, writes the state, the history
entry and the audit entry, runs the effects and emits the events (the
notification outbox queues e-mail on commit). `Machine.apply_many()` does the
same for many rows of one action in a constant number of queries (bulk
update, bulk history; events fanned out by the caller's `fan_out`).
Adding a transition is adding a row; an app above the model's own may add
rows or hooks at start-up (`Machine.extend`, `Machine.on`), so a lower layer
never imports a higher one.

This module knows no app: notification sending, auditing and history models
are passed in by the apps that build machines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "OBSERVERS",
    "Actor",
    "AlreadyDone",
    "Change",
    "Emit",
    "Machine",
    "Transition",
    "TransitionError",
    "observe_all",
]


class TransitionError(ValidationError):
    """A state change that the table or a guard refuses; nothing was changed."""


class AlreadyDone(TransitionError):
    """The object is already in the target state (e.g. a double-clicked submit)."""


class Actor(models.TextChoices):
    """Who may take an action, as the table states it (the `may` predicate decides)."""

    OWNER = "owner", gettext_lazy("the owner organization")
    OPERATOR = "operator", gettext_lazy("the programme office")
    SYSTEM = "system", gettext_lazy("the system")


@dataclass
class Change:
    """One state change in progress: what guards, audiences, contexts and effects see.

    `obj` is the locked row; `data` carries what a guard found for the rest
    of the change (an eligibility record, the locked parent, extra context).
    """

    machine: Machine
    obj: Any
    transition: Transition
    from_state: str
    by: Any
    now: dt.datetime
    reason: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def to_state(self) -> str:
        return self.transition.target


Audience = Callable[[Change], Iterable[Any]]
ContextFn = Callable[[Change], Mapping[str, Any]]
Guard = Callable[[Change], None]
Effect = Callable[[Change], None]
Permission = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Emit:
    """A notification event a transition sends: to whom, with which context values."""

    event: str
    to: Audience
    context: ContextFn | None = None


@dataclass(frozen=True)
class Transition:
    """One row of a machine's table (see the module docstring)."""

    action: str
    sources: frozenset[str]
    target: str
    actor: str
    label: Any
    needs_reason: bool = False
    may: Permission | None = None
    guard: Guard | None = None
    emits: tuple[Emit, ...] = ()
    effects: tuple[Effect, ...] = ()
    #: Shown when `may` refuses (a service called for the wrong person).
    denied: Any = None
    #: When `needs_reason`: the form field the reason comes from and what to say without one.
    reason_field: str = "reason"
    reason_prompt: Any = None


def row(
    action: str,
    sources: Iterable[str],
    target: str,
    actor: str,
    label: Any,
    *,
    needs_reason: bool = False,
    may: Permission | None = None,
    guard: Guard | None = None,
    emits: Sequence[Emit] = (),
    effects: Sequence[Effect] = (),
    denied: Any = None,
    reason_field: str = "reason",
    reason_prompt: Any = None,
) -> Transition:
    """A table row, written compactly."""
    return Transition(
        action=action,
        sources=frozenset(sources),
        target=target,
        actor=actor,
        label=label,
        needs_reason=needs_reason,
        may=may,
        guard=guard,
        emits=tuple(emits),
        effects=tuple(effects),
        denied=denied,
        reason_field=reason_field,
        reason_prompt=reason_prompt,
    )


Notify = Callable[..., Any]
HistoryFn = Callable[[Change], models.Model | None]
AuditFn = Callable[[Sequence[Change]], None]

#: Called with every batch of changes of every machine, inside the transaction
#: (e.g. the audit trail); register with `observe_all`.
OBSERVERS: list[AuditFn] = []


def observe_all(observer: AuditFn) -> None:
    """Register a function that sees every state change of every machine (idempotent)."""
    if observer not in OBSERVERS:
        OBSERVERS.append(observer)


class Machine:
    """The states of one model and the one writer that changes them."""

    def __init__(
        self,
        *,
        name: str,
        model: type[models.Model],
        states: type[models.TextChoices],
        transitions: Iterable[Transition],
        history: HistoryFn,
        notify: Notify,
        lock: Callable[[Any], Any] | None = None,
        context: ContextFn | None = None,
        state_field: str = "state",
        changed_at_field: str | None = "state_changed_at",
        integrity_error: Callable[[IntegrityError], TransitionError] | None = None,
        refused: Any = None,
    ) -> None:
        self.name = name
        self.model = model
        self.states = states
        self.transitions: dict[str, Transition] = {}
        self.history = history
        self.notify = notify
        self._lock = lock
        self.context = context or (lambda change: {})
        self.state_field = state_field
        self.changed_at_field = changed_at_field
        self.integrity_error = integrity_error
        #: "%(state)s"/"%(action)s" message when the table refuses (default: a generic one).
        self.refused = refused
        self.audit: list[AuditFn] = []
        self.extend(transitions)

    # ------------------------------------------------------------------ the table
    def extend(self, transitions: Iterable[Transition]) -> None:
        """Add rows (an app above the model's own adds the actions it owns)."""
        for transition in transitions:
            if transition.action in self.transitions:
                raise ValueError(f"{self.name}: action {transition.action!r} defined twice")
            self.transitions[transition.action] = transition

    def on(
        self,
        action: str,
        *,
        emits: Sequence[Emit] = (),
        effects: Sequence[Effect] = (),
    ) -> None:
        """Attach more events or effects to an existing row (registered at start-up)."""
        old = self.transitions[action]
        self.transitions[action] = Transition(
            **{
                **old.__dict__,
                "emits": old.emits + tuple(e for e in emits if e not in old.emits),
                "effects": old.effects + tuple(e for e in effects if e not in old.effects),
            }
        )

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __contains__(self, action: str) -> bool:
        return action in self.transitions

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.state_field)

    def label_of(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def allows(self, action: str, obj: Any) -> bool:
        """Whether the table allows `action` from the object's current state."""
        transition = self.transitions.get(action)
        return transition is not None and self.state_of(obj) in transition.sources

    def permits(self, action: str, user: Any, obj: Any) -> bool:
        """Whether `user` may take `action` on `obj` now (state and actor; not the guard)."""
        transition = self.transitions.get(action)
        if transition is None or self.state_of(obj) not in transition.sources:
            return False
        return transition.may is None or bool(transition.may(user, obj))

    # ------------------------------------------------------------------ the writer
    def _transition(self, action: str, reason: str) -> Transition:
        transition = self.transitions.get(action)
        if transition is None:
            raise TransitionError(_("Unknown action."))
        if transition.needs_reason and not (reason or "").strip():
            prompt = transition.reason_prompt or _(
                "Give a reason: it is recorded and sent to the people concerned."
            )
            raise TransitionError({transition.reason_field: prompt})
        return transition

    def lock(self, obj: Any) -> Any:
        if self._lock is not None:
            return self._lock(obj)
        return self.model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)

    def _check(self, locked: Any, transition: Transition, by: Any) -> None:
        # Who may comes first: a stranger learns nothing about the object's state.
        if transition.may is not None and not transition.may(by, locked):
            raise TransitionError(transition.denied or _("You may not do this."))
        state = self.state_of(locked)
        if state == transition.target and state not in transition.sources:
            raise AlreadyDone(_("This has already been done."))
        if state not in transition.sources:
            message = self.refused or _("This cannot be done while it is “%(state)s” (%(action)s).")
            raise TransitionError(
                message
                % {
                    "state": self.label_of(state),
                    "action": transition.label,
                    "from": self.label_of(state),
                    "to": self.label_of(transition.target),
                }
            )

    def _write_state(self, locked: Any, transition: Transition, now: dt.datetime) -> None:
        from_state = self.state_of(locked)
        setattr(locked, self.state_field, transition.target)
        if self.changed_at_field:
            setattr(locked, self.changed_at_field, now)
        # django-simple-history records this as the reason of the historical row.
        locked._change_reason = f"{transition.action}: {from_state} → {transition.target}"
        locked.save()

    def apply(
        self,
        obj: Any,
        action: str,
        *,
        by: Any,
        reason: str = "",
        now: dt.datetime | None = None,
        **data: Any,
    ) -> Any:
        """Apply `action` to `obj`; raise `TransitionError` (nothing changed) if not allowed.

        Returns the locked, updated object. Extra keyword arguments are put in
        `Change.data` for the guard (e.g. a rationale, a comment).
        """
        transition = self._transition(action, reason)
        now = now or timezone.now()
        try:
            with transaction.atomic():
                locked = self.lock(obj)
                self._check(locked, transition, by)
                change = Change(
                    machine=self,
                    obj=locked,
                    transition=transition,
                    from_state=self.state_of(locked),
                    by=by,
                    now=now,
                    reason=(reason or "").strip(),
                    data=dict(data),
                )
                if transition.guard is not None:
                    transition.guard(change)
                self._write_state(locked, transition, now)
                entry = self.history(change)
                if entry is not None:
                    entry.save()
                    change.data["history"] = entry
                for observer in (*OBSERVERS, *self.audit):
                    observer([change])
                for effect in transition.effects:
                    effect(change)
                self._emit([change])
        except IntegrityError as exc:
            if self.integrity_error is None:
                raise
            raise self.integrity_error(exc) from exc
        return locked

    def apply_many(
        self,
        objs: Iterable[Any],
        action: str,
        *,
        by: Any,
        reason: str = "",
        now: dt.datetime | None = None,
        fan_out: Callable[[list[Change]], None] | None = None,
    ) -> list[Any]:
        """Apply one guard-less action to many rows in a constant number of queries.

        Rows are locked together, checked against the table, updated with one
        UPDATE, and their history written with one INSERT. Events go to
        `fan_out(changes)` when given (e.g. a Celery task that notifies each
        object's audience), else they are emitted one object at a time.
        """
        transition = self._transition(action, reason)
        if transition.guard is not None:
            raise ValueError(f"{self.name}.{action} has a guard: apply it one row at a time")
        now = now or timezone.now()
        pks = [obj.pk for obj in objs]
        if not pks:
            return []
        with transaction.atomic():
            locked = list(
                self.model._default_manager.select_for_update(of=("self",))
                .filter(pk__in=pks)
                .order_by("pk")
            )
            changes = []
            for row_ in locked:
                self._check(row_, transition, by)
                changes.append(
                    Change(
                        machine=self,
                        obj=row_,
                        transition=transition,
                        from_state=self.state_of(row_),
                        by=by,
                        now=now,
                        reason=(reason or "").strip(),
                    )
                )
            self._bulk_write(changes, now=now, by=by)
            for observer in (*OBSERVERS, *self.audit):
                observer(changes)
            for effect in transition.effects:
                for change in changes:
                    effect(change)
            (fan_out or self._emit)(changes)
        return locked

    def _bulk_write(self, changes: list[Change], *, now: dt.datetime, by: Any) -> None:
        """One UPDATE of the states, one INSERT of historical rows, one INSERT of history lines."""
        fields = [self.state_field] + ([self.changed_at_field] if self.changed_at_field else [])
        rows = [change.obj for change in changes]
        for change in changes:
            row_ = change.obj
            setattr(row_, self.state_field, change.to_state)
            if self.changed_at_field:
                setattr(row_, self.changed_at_field, now)
            row_._change_reason = f"{change.action}: {change.from_state} → {change.to_state}"
            row_._history_user = by
            row_._history_date = now
        # One action, one target, one moment: a single UPDATE whatever the number of rows
        # (bulk_update would build a CASE per row and split into batches).
        values = {name: getattr(rows[0], name) for name in fields}
        self.model._default_manager.filter(pk__in=[row_.pk for row_ in rows]).update(**values)
        history = getattr(self.model, "history", None)
        if history is not None:
            # django-simple-history: one INSERT of historical rows (user, reason, date per row).
            history.bulk_history_create(rows, update=True, default_user=by, default_date=now)
        self._bulk_history(changes)

    def _bulk_history(self, changes: list[Change]) -> None:
        entries = [entry for entry in (self.history(c) for c in changes) if entry is not None]
        if entries:
            # No batch size: one INSERT on PostgreSQL (SQLite's parameter limit splits it).
            type(entries[0])._default_manager.bulk_create(entries)

    def _emit(self, changes: Sequence[Change]) -> None:
        for change in changes:
            emit_events(change)


def emit_events(change: Change) -> None:
    """Send the row's notification events for one change (queued on commit by the outbox)."""
    machine = change.machine
    for emit in change.transition.emits:
        recipients = list(emit.to(change))
        if not recipients:
            continue
        context = dict(machine.context(change))
        if emit.context is not None:
            context.update(emit.context(change))
        machine.notify(recipients, emit.event, change.obj, context)
