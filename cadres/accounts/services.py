"""Every write to users, grants and sign-in state; each one is audited."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cadres.accounts.actions import AccountsAction
from cadres.accounts.models import Grant, LoginAttempt, LoginThrottle, Role
from cadres.accounts.scopes import forget_access
from cadres.audit.models import AuditAction
from cadres.audit.services import record

User = get_user_model()


def lockout_settings() -> tuple[int, dt.timedelta]:
    failures = settings.LOGIN_FAILURE_LIMIT
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return failures, window


def lockout_wording() -> str:
    """The lockout rule in words, from the settings (login page and its error)."""
    limit, window = lockout_settings()
    return f"连续输错密码{limit}次，该账户在此地址将锁定{_duration_words(window)}"


def _duration_words(window: dt.timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600}小时"
    if seconds % 60 == 0:
        return f"{seconds // 60}分钟"
    return f"{seconds}秒"


def _throttle_locked(username: str, ip_address: str) -> LoginThrottle:
    """The throttle row of the pair, created when missing, locked to the end of the
    transaction (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction)."""
    LoginThrottle.objects.get_or_create(username=username, ip_address=ip_address)
    return LoginThrottle.objects.select_for_update().get(username=username,
                                                         ip_address=ip_address)


def _counted_failures(throttle: LoginThrottle, now: dt.datetime) -> int:
    """Failures (and admitted checks not yet settled) of the pair inside the window, since the
    last success or unlock."""
    _, window = lockout_settings()
    since = now - window
    if throttle.counted_since is not None and throttle.counted_since > since:
        since = throttle.counted_since
    return LoginAttempt.objects.filter(
        username=throttle.username, ip_address=throttle.ip_address, succeeded=False,
        attempted_at__gte=since,
    ).count()


def login_is_locked(*, username: str, ip_address: str) -> bool:
    """Too many failures for this username from this address in the window (since the last
    success or unlock). A read for display; sign-in admits attempts with login_attempt_begin."""
    throttle = LoginThrottle.objects.filter(username=username.lower()[:150],
                                            ip_address=ip_address).first()
    if throttle is None:
        throttle = LoginThrottle(username=username.lower()[:150], ip_address=ip_address)
    limit, _ = lockout_settings()
    return _counted_failures(throttle, timezone.now()) >= limit


@transaction.atomic
def login_attempt_begin(*, username: str, ip_address: str) -> LoginAttempt | None:
    """Admit one password check, or None when the username is locked at this address.

    The attempt is recorded as a failure *before* the (slow) password check, under the lock of
    the pair's throttle row, and turned into a success afterwards
    (login_attempt_succeed): concurrent attempts are admitted one at a time and at most
    LOGIN_FAILURE_LIMIT of them ever reach the password check.
    """
    name = username.lower()[:150]
    throttle = _throttle_locked(name, ip_address)
    now = timezone.now()
    limit, _ = lockout_settings()
    if _counted_failures(throttle, now) >= limit:
        return None
    return LoginAttempt.objects.create(username=name, ip_address=ip_address, attempted_at=now,
                                       succeeded=False)


@transaction.atomic
def login_attempt_succeed(*, attempt: LoginAttempt, user: Any) -> None:
    """The admitted attempt had the right password: failures before it stop counting."""
    throttle = _throttle_locked(attempt.username, attempt.ip_address)
    attempt.succeeded = True
    attempt.save(update_fields=["succeeded"])
    throttle.counted_since = timezone.now()
    throttle.locked_at = None
    throttle.save(update_fields=["counted_since", "locked_at"])
    record(actor=user, action=AuditAction.USER_LOGGED_IN, target=user,
           changes={"ip": attempt.ip_address})


@transaction.atomic
def login_attempt_fail(*, attempt: LoginAttempt, user: Any, username: str) -> bool:
    """The admitted attempt had a wrong password (it already counts); returns True when the
    pair is now locked. The lock is audited once, by the failure that reached the limit."""
    throttle = _throttle_locked(attempt.username, attempt.ip_address)
    record(actor=None, action=AuditAction.LOGIN_FAILED, target=user,
           target_label=username[:150],
           changes={"ip": attempt.ip_address, "username": username[:150]})
    now = timezone.now()
    limit, window = lockout_settings()
    if _counted_failures(throttle, now) < limit:
        return False
    lock_is_new = (throttle.locked_at is None or throttle.locked_at < now - window
                   or (throttle.counted_since is not None
                       and throttle.locked_at < throttle.counted_since))
    if lock_is_new:
        throttle.locked_at = now
        throttle.save(update_fields=["locked_at"])
        record(actor=None, action=AuditAction.LOGIN_LOCKED, target=user,
               target_label=username[:150],
               changes={"ip": attempt.ip_address, "failures": limit,
                        "minutes": int(window.total_seconds() // 60)})
    return True


def login_attempt_record(*, username: str, ip_address: str, user: Any, succeeded: bool) -> bool:
    """One whole attempt whose outcome is already known (kept for callers and tests that do
    not check a password themselves); returns True when this failure locked the pair."""
    attempt = login_attempt_begin(username=username, ip_address=ip_address)
    if attempt is None:
        return True
    if succeeded:
        login_attempt_succeed(attempt=attempt, user=user)
        return False
    return login_attempt_fail(attempt=attempt, user=user, username=username)


def locked_addresses(*, username: str) -> list[str]:
    """The addresses from which this username is locked out now."""
    limit, _ = lockout_settings()
    now = timezone.now()
    return sorted(
        throttle.ip_address
        for throttle in LoginThrottle.objects.filter(username=username.lower()[:150])
        if _counted_failures(throttle, now) >= limit
    )


@transaction.atomic
def user_login_unlock(*, actor: Any, user: Any) -> list[str]:
    """An administrator lifts the sign-in lockout of a user at every address (and the
    back-off of the user's two-factor codes); failures before now stop counting. Returns the
    addresses that were locked."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    addresses = locked_addresses(username=user.get_username())
    now = timezone.now()
    LoginThrottle.objects.filter(username=user.get_username().lower()[:150]).update(
        counted_since=now, locked_at=None)
    devices = TOTPDevice.objects.filter(user=user, throttling_failure_count__gt=0).update(
        throttling_failure_count=0, throttling_failure_timestamp=None)
    record(actor=actor, action=AccountsAction.LOGIN_UNLOCKED, target=user,
           changes={"addresses": addresses, "two_factor_reset": bool(devices)})
    return addresses


def otp_tolerance() -> int:
    """Time steps of 30 seconds accepted either side of the server's clock
    (OTP_TOTP_TOLERANCE)."""
    return settings.OTP_TOTP_TOLERANCE


def otp_free_failures() -> int:
    """Wrong codes allowed in a row before the back-off of django-otp starts
    (OTP_FAILURES_BEFORE_BACKOFF): a mistyped code followed at once by the right one passes."""
    return settings.OTP_FAILURES_BEFORE_BACKOFF


@transaction.atomic
def otp_token_check(*, user: Any, device: Any, token: str, ip_address: str,
                    ) -> tuple[bool, dt.datetime | None]:
    """Check a two-factor code against the device; returns (accepted, wait until).

    The device row is locked so concurrent codes are checked one at a time. The window is
    OTP_TOTP_TOLERANCE steps either side; after OTP_FAILURES_BEFORE_BACKOFF wrong codes in a
    row django-otp's exponential back-off applies, and `wait until` says until when.
    A failure is audited.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    device.tolerance = otp_tolerance()
    if device.throttling_failure_count < otp_free_failures():
        # In memory only: django-otp then checks without its delay; a failure stores a new time.
        device.throttling_failure_timestamp = None
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return False, (details or {}).get("locked_until")
    accepted = device.verify_token(token)
    if not accepted:
        record(actor=user, action=AuditAction.TWO_FACTOR_FAILED, target=user,
               changes={"ip": ip_address})
    return accepted, None


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


@transaction.atomic
def admin_create(
    *, actor: Any, username: str, password: str, full_name: str = "系统管理员",
    must_change_password: bool = True, note: str = "安装时创建",
) -> Any:
    """An administrator account: a superuser holding the 系统管理员 role, so it signs in with
    a TOTP code like any administrator (enrolling at the first sign-in) and must change the
    password first. Used by `cadres create-admin` and the demo's `admin`."""
    user = user_create(actor=actor, username=username, full_name=full_name, password=password,
                       must_change_password=must_change_password, is_superuser=True)
    grant_create(actor=actor, user=user, role=Role.objects.get(code=Role.Code.ADMIN), note=note)
    return user


ROLE_FIELDS = ("name", "description", "permissions", "all_units", "requires_two_factor")


@transaction.atomic
def role_update(*, actor: Any, role: Role, **values: Any) -> Role:
    """Change a role's name, description, permission codes or flags; records old → new.

    Every user holding the role gets the new permissions at their next request.
    """
    role = Role.objects.select_for_update().get(pk=role.pk)
    old = {name: getattr(role, name) for name in ROLE_FIELDS}
    for name, value in values.items():
        if name not in ROLE_FIELDS:
            raise ValueError(f"unknown role field {name}")
        setattr(role, name, list(value) if name == "permissions" else value)
    role.full_clean()
    new = {name: getattr(role, name) for name in ROLE_FIELDS}
    changed = {name: {"old": old[name], "new": new[name]} for name in new if old[name] != new[name]}
    if changed:
        role.save()
        record(actor=actor, action=AccountsAction.ROLE_UPDATED, target=role,
               changes=changed)
    return role


# Traces of reads: out-of-scope lookups (404) and opened cards. Rate-limited so that the audit
# record stays readable: one entry per user and page (or record) per ACCESS_TRACE_REPEAT_SECONDS,
# and at most ACCESS_TRACE_HOURLY_LIMIT entries of one kind per user per hour; the entry that
# reaches the hourly limit says so ("limit_reached").

def _trace_limits() -> tuple[dt.timedelta, int]:
    repeat = dt.timedelta(seconds=settings.ACCESS_TRACE_REPEAT_SECONDS)
    return repeat, settings.ACCESS_TRACE_HOURLY_LIMIT


def _trace_admission(*, actor: Any, action: str, same: dict[str, Any]) -> tuple[bool, bool]:
    """(write the entry, it is the last one this hour) for a trace of `action` by `actor`;
    `same` selects the earlier entries that count as the same page or record."""
    from cadres.audit.models import AuditEvent

    repeat, hourly_limit = _trace_limits()
    now = timezone.now()
    earlier = AuditEvent.objects.filter(actor_id=actor.pk, action=action)
    if earlier.filter(occurred_at__gte=now - repeat, **same).exists():
        return False, False
    this_hour = earlier.filter(occurred_at__gte=now - dt.timedelta(hours=1)).count()
    if this_hour >= hourly_limit:
        return False, False
    return True, this_hour + 1 == hourly_limit


def _is_signed_in(request: Any) -> bool:
    user = getattr(request, "user", None)
    return user is not None and getattr(user, "is_authenticated", False) and user.pk is not None


@transaction.atomic
def not_found_record(*, request: Any) -> bool:
    """A signed-in user got a 404 on a URL naming a record (an id outside the scope, or one
    that does not exist): audited as `access.not_found` with the path, rate-limited. Returns
    whether an entry was written."""
    if not _is_signed_in(request):
        return False
    path = request.get_full_path()[:200]
    admitted, last = _trace_admission(actor=request.user, action=AccountsAction.ACCESS_NOT_FOUND,
                                      same={"target_label": path})
    if not admitted:
        return False
    match = getattr(request, "resolver_match", None)
    changes: dict[str, Any] = {"path": path}
    if match is not None:
        changes["view"] = match.view_name
        changes["ids"] = {str(key): str(value) for key, value in match.kwargs.items()}
    if last:
        changes["limit_reached"] = True
    record(actor=request.user, action=AccountsAction.ACCESS_NOT_FOUND, target_label=path,
           changes=changes)
    return True


@transaction.atomic
def record_view(request: Any, subject: Any,
                action: str = AccountsAction.PERSON_CARD_VIEWED) -> bool:
    """Record that the signed-in user opened a record (the 干部信息卡: 查阅干部信息卡), with
    the record as target and subject, rate-limited like not_found_record. Returns whether an
    entry was written.

        record_view(request, person)   # in people.person_views.person_detail, after the scoped fetch
    """
    if not _is_signed_in(request):
        return False
    admitted, last = _trace_admission(
        actor=request.user, action=str(action),
        same={"target_type": subject._meta.label_lower, "target_id": str(subject.pk)})
    if not admitted:
        return False
    changes: dict[str, Any] = {"path": request.get_full_path()[:300]}
    if last:
        changes["limit_reached"] = True
    record(actor=request.user, action=str(action), target=subject, changes=changes)
    return True
