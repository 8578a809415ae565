"""Sign-in pages (password, two-factor, forced password change) and the administrator's user
and grant management."""

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout, update_session_auth_hash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadres.accounts import services
from cadres.accounts.decorators import public, refuse, requires, signed_in_only
from cadres.accounts.dossier import dossier_open_mark
from cadres.accounts.forms import (
    DossierOpenForm,
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleForm,
    TokenForm,
    UserCreateForm,
    UserUpdateForm,
)
from cadres.accounts.models import Grant, Role
from cadres.accounts.permissions import can_open_dossier, is_own_or_relative
from cadres.accounts.selectors import login_locked_usernames
from cadres.audit.models import AuditAction
from cadres.audit.services import record
from cadres.people.models import Person

User = get_user_model()


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _signed_in_user(request: HttpRequest) -> Any:
    """The request's user on a view only signed-in users reach (OTPMiddleware adds
    is_verified)."""
    return request.user


def _after_login(request: HttpRequest) -> HttpResponse:
    return redirect(_next_url(request) or settings.LOGIN_REDIRECT_URL)


# The first page each kind of user may open, in order: the landing page after signing in.
HOME_PAGES = (
    ("people.view", "people:roster"),
    ("analytics.view", "analytics:structure"),
    ("plans.view", "plans:gaps"),
    ("audit.view", "audit:event_list"),
    ("accounts.manage", "accounts:user_list"),
)


@signed_in_only
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    """The site root: the first page the user's roles open, so that a leader or a committee
    member is not sent to a page that refuses them (and audits the refusal)."""
    from cadres.accounts.permissions import has_permission

    for code, url_name in HOME_PAGES:
        if has_permission(request.user, code):
            return redirect(url_name)
    return render(request, "accounts/home.html")


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _after_login(request)
    form = LoginForm(request.POST or None)
    locked_message = f"登录失败次数过多，账户已暂时锁定（{services.lockout_wording()}），请稍后再试。"
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip_address = client_ip(request)
        # Recorded before the password is checked, so a burst cannot pass the limit.
        attempt = services.login_attempt_begin(username=username, ip_address=ip_address)
        if attempt is None:
            form.add_error(None, locked_message)
        else:
            user = authenticate(request, username=username,
                                password=form.cleaned_data["password"])
            if user is None:
                known = User.objects.filter(username=username).first()
                locked = services.login_attempt_fail(attempt=attempt, user=known,
                                                     username=username)
                form.add_error(None, locked_message if locked else "用户名或密码不正确。")
            else:
                # login() issues a new session id (cycle_key): the first privilege step.
                login(request, user)
                services.login_attempt_succeed(attempt=attempt, user=user)
                return _after_login(request)
    return render(request, "accounts/login.html", {
        "form": form, "next": _next_url(request), "lockout_rule": services.lockout_wording(),
    })


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.user_logged_out(user=request.user)
    logout(request)
    messages.info(request, "已退出登录。")
    return redirect(settings.LOGOUT_REDIRECT_URL)


@signed_in_only
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_change(user=user, actor=user,
                                      new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": user.must_change_password,
    })


@signed_in_only
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in: the code from the authenticator app."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("accounts:otp_enroll")
    if _signed_in_user(request).is_verified():
        return _after_login(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        wait_until = None
        for device in devices:
            accepted, wait_until = services.otp_token_check(
                user=request.user, device=device, token=token, ip_address=client_ip(request))
            if accepted:
                _two_factor_passed(request, device)
                return _after_login(request)
        if wait_until is not None:
            seconds = max(1, int((wait_until - timezone.now()).total_seconds()) + 1)
            form.add_error("token", f"动态口令连续输错次数过多，请{seconds}秒后再试。")
        else:
            form.add_error("token", "动态口令不正确或已过期，请输入应用中当前显示的6位数字。")
    return render(request, "accounts/otp_verify.html", {
        "form": form, "next": _next_url(request), **_otp_window_context(),
    })


def _two_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new id: the id seen before the code (after
    the password alone) never becomes a fully signed-in session."""
    otp_login(request, device)
    request.session.cycle_key()


def _otp_window_context() -> dict[str, int]:
    tolerance = services.otp_tolerance()
    return {"otp_step_seconds": 30, "otp_tolerance_seconds": tolerance * 30}


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@signed_in_only
@require_http_methods(["GET", "POST"])
def otp_enroll(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: scan the QR code, type one code to confirm.

    Only while the user has no confirmed device; replacing a device takes an administrator's
    reset, so a stolen password alone cannot enroll a new one.
    """
    if any(True for _ in devices_for_user(request.user, confirmed=True)):
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="动态口令", confirmed=False,
                                           tolerance=services.otp_tolerance())
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device.tolerance = services.otp_tolerance()
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record(actor=request.user, action=AuditAction.TWO_FACTOR_ENROLLED,
                   target=_signed_in_user(request))
            _two_factor_passed(request, device)
            messages.success(request, "动态口令已绑定，今后登录时需输入动态口令。")
            return _after_login(request)
        form.add_error("token", "动态口令不正确，请确认手机时间准确后重试。")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp_enroll.html", {
        "form": form, "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (generated SVG)
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request), **_otp_window_context(),
    })


# User and grant management (系统管理员).

@requires("accounts.manage")
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.order_by("username").prefetch_related("grants__role")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query) | users.filter(full_name__icontains=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = login_locked_usernames(usernames=[user.username for user in page])
    for subject in page:
        subject.login_locked = subject.username.lower() in locked  # type: ignore[attr-defined]
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


@requires("accounts.manage")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"已新增用户 {user.username}。")
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "新增用户"})


@requires("accounts.manage")
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    form = UserUpdateForm(request.POST or None, initial={
        "full_name": subject.full_name, "email": subject.email, "is_active": subject.is_active,
        "person": subject.person.id_number if subject.person else "",
    })
    if request.method == "POST" and form.is_valid():
        if subject == request.user and not form.cleaned_data["is_active"]:
            form.add_error("is_active", "不能停用自己的账户。")
        else:
            services.user_update(actor=request.user, user=subject, **form.cleaned_data)
            messages.success(request, "用户信息已保存。")
            return redirect("accounts:user_detail", pk=subject.pk)
    grants = subject.grants.select_related("role").prefetch_related(
        "managed_units", "maintained_units")
    has_device = TOTPDevice.objects.filter(user=subject, confirmed=True).exists()
    return render(request, "accounts/user_detail.html", {
        "subject": subject, "form": form, "grants": grants, "has_device": has_device,
        "reset_form": PasswordResetForm(),
        "locked_addresses": services.locked_addresses(username=subject.username),
        "lockout_rule": services.lockout_wording(),
    })


@requires("accounts.manage")
@require_POST
def user_login_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    addresses = services.user_login_unlock(actor=request.user, user=subject)
    if addresses:
        messages.success(request, f"已解除登录锁定（{'、'.join(addresses)}）。")
    else:
        messages.info(request, "该用户当前没有被锁定；已清零登录失败计数。")
    return redirect("accounts:user_detail", pk=subject.pk)


@requires("accounts.manage")
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        services.user_password_reset(actor=request.user, user=subject,
                                     new_password=form.cleaned_data["password"])
        messages.success(request, "已设置临时密码，用户下次登录时须修改。")
    else:
        for error in form.errors.get("password", []):
            messages.error(request, f"密码未修改：{error}")
    return redirect("accounts:user_detail", pk=subject.pk)


@requires("accounts.manage")
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    services.user_two_factor_reset(actor=request.user, user=subject)
    messages.success(request, "已重置动态口令，用户下次登录时重新绑定。")
    return redirect("accounts:user_detail", pk=subject.pk)


@requires("accounts.manage")
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.grant_create(actor=request.user, user=subject, **form.cleaned_data)
        messages.success(request, "授权已新增。")
        return redirect("accounts:user_detail", pk=subject.pk)
    return render(request, "accounts/grant_form.html", {
        "form": form, "subject": subject, "title": "新增授权"})


@requires("accounts.manage")
@require_http_methods(["GET", "POST"])
def grant_update(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.select_related("user", "role"), pk=pk)
    form = GrantForm(request.POST or None, instance=grant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The form must not save: the service writes and records old → new.
        grant.refresh_from_db()
        services.grant_update(actor=request.user, grant=grant, **data)
        messages.success(request, "授权已修改。")
        return redirect("accounts:user_detail", pk=grant.user_id)
    return render(request, "accounts/grant_form.html", {
        "form": form, "subject": grant.user, "grant": grant, "title": "修改授权"})


@requires("accounts.manage")
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.select_related("user"), pk=pk)
    user_id = grant.user_id
    services.grant_revoke(actor=request.user, grant=grant)
    messages.success(request, "授权已撤销。")
    return redirect("accounts:user_detail", pk=user_id)


@requires("people.view_sensitive", "查阅完整档案")
@require_http_methods(["GET", "POST"])
def dossier_open(request: HttpRequest, pk: int) -> HttpResponse:
    """查阅登记: state the purpose, then the full file (身份证号, family, assessments) shows."""
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("unit"),
                               pk=pk)
    if not can_open_dossier(request.user, person):
        refuse(request, "查阅本人或亲属档案" if is_own_or_relative(request.user, person)
               else "查阅完整档案")
    form = DossierOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.dossier_read_record(actor=request.user, person=person,
                                     purpose=form.cleaned_data["purpose"],
                                     detail=form.cleaned_data["detail"])
        dossier_open_mark(request, person)
        return redirect(person.get_absolute_url())
    return render(request, "accounts/dossier_open.html", {"form": form, "person": person})


# Roles (系统管理员): what each role may do, as permission codes with their Chinese labels.

@requires("accounts.manage")
def role_list(request: HttpRequest) -> HttpResponse:
    roles = Role.objects.all()
    return render(request, "accounts/role_list.html", {"roles": roles})


@requires("accounts.manage")
@require_http_methods(["GET", "POST"])
def role_update(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk)
    form = RoleForm(request.POST or None, initial={
        "name": role.name, "description": role.description, "permissions": role.permissions,
        "all_units": role.all_units, "requires_two_factor": role.requires_two_factor,
        "role_id": role.pk,
    })
    if request.method == "POST" and form.is_valid():
        services.role_update(actor=request.user, role=role, **form.cleaned_data)
        messages.success(request, f"角色“{form.cleaned_data['name']}”已保存。")
        return redirect("accounts:role_list")
    return render(request, "accounts/role_form.html", {"form": form, "role": role})
