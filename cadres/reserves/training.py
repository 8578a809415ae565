"""The only writer of a cadre's training records (records.Training: 干部教育培训), kept beside
the reserves that need them. Like the other file rows (cadres.records.services): the actor
first, one transaction, `full_clean()`, one audit event with the person as subject, within the
actor's 信息维护 scope (`records.services.may_change_person`)."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from cadres.audit.services import record
from cadres.people.models import Person
from cadres.records.actions import RecordsAction
from cadres.records.models import Training
from cadres.records.services import OUT_OF_SCOPE, may_change_person

TRAINING_FIELDS = ("name", "organizer", "started_on", "ended_on", "hours", "is_full_time")


def trainings_for(person: Person) -> QuerySet[Training]:
    return Training.objects.filter(person=person).order_by("-started_on", "-id")


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _check(actor: Any, person: Person) -> None:
    if not may_change_person(actor, person):
        raise PermissionDenied(OUT_OF_SCOPE)


def _label(training: Training) -> str:
    return f"培训：{training.name}"


@transaction.atomic
def training_create(
    *, actor: Any, person: Person, name: str, started_on: dt.date, ended_on: dt.date, hours: int,
    organizer: str = "", is_full_time: bool = True,
) -> Training:
    """A training the cadre attended, with its hours (the end not before the start)."""
    _check(actor, person)
    training = Training(person=person, name=name.strip(), organizer=organizer.strip(), started_on=started_on,
                        ended_on=ended_on, hours=hours, is_full_time=is_full_time)
    training.full_clean()
    training.save()
    record(actor=actor, action=RecordsAction.TRAINING_CREATED, target=training, subject=person,
           target_label=_label(training),
           changes={name: [None, _value(getattr(training, name))] for name in TRAINING_FIELDS
                    if getattr(training, name) not in (None, "")})
    return training


@transaction.atomic
def training_update(*, actor: Any, training: Training, **values: Any) -> Training:
    unknown = set(values) - set(TRAINING_FIELDS)
    if unknown:
        raise TypeError(f"not a field that may be changed: {', '.join(sorted(unknown))}")
    training = Training.objects.select_for_update().select_related("person").get(pk=training.pk)
    _check(actor, training.person)
    changes = {}
    for name, new in values.items():
        if isinstance(new, str):
            new = new.strip()
        old = getattr(training, name)
        if old != new:
            changes[name] = [_value(old), _value(new)]
            setattr(training, name, new)
    if not changes:
        return training
    training.full_clean()
    training.save(update_fields=list(changes))
    record(actor=actor, action=RecordsAction.TRAINING_UPDATED, target=training, subject=training.person,
           target_label=_label(training), changes=changes)
    return training


@transaction.atomic
def training_delete(*, actor: Any, training: Training) -> None:
    training = Training.objects.select_for_update().select_related("person").get(pk=training.pk)
    _check(actor, training.person)
    record(actor=actor, action=RecordsAction.TRAINING_DELETED, target=training, subject=training.person,
           target_label=_label(training),
           changes={name: _value(getattr(training, name)) for name in TRAINING_FIELDS
                    if getattr(training, name) not in (None, "")})
    training.delete()
