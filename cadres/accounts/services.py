"""Every write to users, grants and sign-in state; each one is audited."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cadres.accounts.models import Grant, LoginAttempt, Role
from cadres.accounts.scopes import forget_access
from cadres.audit.models import AuditAction
from cadres.audit.services import record

User = get_user_model()


def lockout_settings() -> tuple[int, dt.timedelta]:
    failures = getattr(settings, "LOGIN_FAILURE_LIMIT", 5)
    window = dt.timedelta(seconds=getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60))
    return failures, window


def login_is_locked(*, username: str, ip_address: str) -> bool:
    """Too many failures for this username from this address in the window (since the last
    success)."""
    limit, window = lockout_settings()
    since = timezone.now() - window
    attempts = LoginAttempt.objects.filter(
        username=username.lower(), ip_address=ip_address, attempted_at__gte=since
    )
    last_success = attempts.filter(succeeded=True).order_by("-attempted_at").first()
    failures = attempts.filter(succeeded=False)
    if last_success is not None:
        failures = failures.filter(attempted_at__gt=last_success.attempted_at)
    return failures.count() >= limit


@transaction.atomic
def login_attempt_record(*, username: str, ip_address: str, user: Any, succeeded: bool) -> bool:
    """Record one attempt; returns True when this failure locked the account for this address."""
    LoginAttempt.objects.create(
        username=username.lower()[:150], ip_address=ip_address, succeeded=succeeded
    )
    if succeeded:
        record(actor=user, action=AuditAction.USER_LOGGED_IN, target=user,
               changes={"ip": ip_address})
        return False
    record(actor=None, action=AuditAction.LOGIN_FAILED, target=user,
           target_label=username[:150], changes={"ip": ip_address, "username": username[:150]})
    if login_is_locked(username=username, ip_address=ip_address):
        limit, window = lockout_settings()
        record(actor=None, action=AuditAction.LOGIN_LOCKED, target=user,
               target_label=username[:150],
               changes={"ip": ip_address, "failures": limit,
                        "minutes": int(window.total_seconds() // 60)})
        return True
    return False


@transaction.atomic
def user_logged_out(*, user: Any) -> None:
    record(actor=user, action=AuditAction.USER_LOGGED_OUT, target=user)


@transaction.atomic
def user_password_change(*, user: Any, new_password: str, actor: Any) -> Any:
    """The user sets a new password (also the forced change at first login)."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(actor=actor, action=AuditAction.PASSWORD_CHANGED, target=user)
    return user


@transaction.atomic
def user_password_reset(*, user: Any, new_password: str, actor: Any) -> Any:
    """An administrator sets a temporary password; the user must change it at next login."""
    user.set_password(new_password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(actor=actor, action=AuditAction.PASSWORD_RESET, target=user)
    return user


USER_FIELDS = ("username", "full_name", "email", "is_active", "person_id")


def _user_snapshot(user: Any) -> dict[str, Any]:
    return {name: getattr(user, name) for name in USER_FIELDS}


@transaction.atomic
def user_create(
    *, actor: Any, username: str, full_name: str, password: str, email: str = "",
    person: Any = None, must_change_password: bool = True, is_superuser: bool = False,
) -> Any:
    user = User(username=username, full_name=full_name, email=email, person=person,
                must_change_password=must_change_password, is_superuser=is_superuser,
                is_staff=is_superuser)
    user.set_password(password)
    user.full_clean()
    user.save()
    record(actor=actor, action=AuditAction.USER_CREATED, target=user,
           changes={"new": _user_snapshot(user) | {"is_superuser": is_superuser}})
    return user


@transaction.atomic
def user_update(*, actor: Any, user: Any, **values: Any) -> Any:
    """Change a user's name, e-mail, active flag or linked cadre; records old → new."""
    old = _user_snapshot(user)
    for name, value in values.items():
        if name not in ("full_name", "email", "is_active", "person"):
            raise ValueError(f"unknown user field {name}")
        setattr(user, name, value)
    user.full_clean()
    user.save()
    new = _user_snapshot(user)
    changed = {k: {"old": old[k], "new": new[k]} for k in new if old[k] != new[k]}
    if changed:
        record(actor=actor, action=AuditAction.USER_UPDATED, target=user, changes=changed)
    forget_access(user)
    return user


@transaction.atomic
def user_two_factor_reset(*, actor: Any, user: Any) -> int:
    """Remove the user's TOTP devices; they enroll again at the next login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    count, _ = TOTPDevice.objects.filter(user=user).delete()
    record(actor=actor, action=AuditAction.TWO_FACTOR_RESET, target=user,
           changes={"devices": count})
    return count


def _grant_snapshot(grant: Grant) -> dict[str, Any]:
    return {
        "user": grant.user.get_username(),
        "role": grant.role.code,
        "managed_units": sorted(u.path for u in grant.managed_units.all()),
        "maintained_units": sorted(u.path for u in grant.maintained_units.all()),
        "expires_on": grant.expires_on.isoformat() if grant.expires_on else None,
        "note": grant.note,
    }


@transaction.atomic
def grant_create(
    *, actor: Any, user: Any, role: Role, managed_units: Iterable[Any] = (),
    maintained_units: Iterable[Any] = (), expires_on: dt.date | None = None, note: str = "",
) -> Grant:
    grant = Grant(user=user, role=role, expires_on=expires_on, note=note)
    grant.full_clean()
    grant.save()
    grant.managed_units.set(list(managed_units))
    grant.maintained_units.set(list(maintained_units))
    record(actor=actor, action=AuditAction.GRANT_CREATED, target=user,
           changes={"grant_id": grant.pk, "new": _grant_snapshot(grant)})
    forget_access(user)
    return grant


@transaction.atomic
def grant_update(
    *, actor: Any, grant: Grant, role: Role, managed_units: Iterable[Any],
    maintained_units: Iterable[Any], expires_on: dt.date | None = None, note: str = "",
) -> Grant:
    old = _grant_snapshot(grant)
    grant.role = role
    grant.expires_on = expires_on
    grant.note = note
    grant.full_clean()
    grant.save()
    grant.managed_units.set(list(managed_units))
    grant.maintained_units.set(list(maintained_units))
    new = _grant_snapshot(grant)
    record(actor=actor, action=AuditAction.GRANT_UPDATED, target=grant.user,
           changes={"grant_id": grant.pk, "old": old, "new": new})
    forget_access(grant.user)
    return grant


@transaction.atomic
def grant_revoke(*, actor: Any, grant: Grant) -> None:
    old = _grant_snapshot(grant)
    user, grant_id = grant.user, grant.pk
    grant.delete()
    record(actor=actor, action=AuditAction.GRANT_REVOKED, target=user,
           changes={"grant_id": grant_id, "old": old})
    forget_access(user)


@transaction.atomic
def permission_denied_record(*, actor: Any, what: str, path: str = "") -> None:
    """A refused request: the only audit entry a refusal leaves."""
    record(actor=actor, action=AuditAction.PERMISSION_DENIED, target_label=what[:200],
           changes={"path": path[:300]})


@transaction.atomic
def dossier_read_record(*, actor: Any, person: Any, purpose: str, detail: str) -> None:
    """Register a read of a cadre's full file (查阅登记) with the stated purpose."""
    record(actor=actor, action=AuditAction.PERSON_VIEWED, target=person,
           changes={"purpose": purpose, "detail": detail})
