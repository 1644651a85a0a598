"""Pages of accounts: the person's own (choose a password from a link, forgot my password), the board's (the
province's accounts, one account, links handed over), and the system administrator's (provinces, their board)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors
from core.net import client_ip
from core.permissions import can, ensure_can

from ..models import Person, Province, SetupLink, Unit
from ..roles import facts
from . import links, selectors, services
from .forms import (
    AccountEditForm,
    AccountFilterForm,
    ChoosePasswordForm,
    MoveForm,
    PersonForm,
    ProvinceForm,
    ResetRequestForm,
)

NO_STORE = "no-store, private"


def _no_store(response):
    response["Cache-Control"] = NO_STORE
    return response


# --- the person's own side: a link to choose a password, and "forgot my password" ---------------------------


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def setup(request, token):
    """Open a password link: choose a password (a live link), or learn why it no longer works and ask for a new
    one. Only a POST uses the link, so a mail scanner that follows it leaves it intact."""
    link = links.find(token)
    state = services.link_state(link)
    if state != services.LinkState.LIVE:
        return _no_store(
            render(
                request, "blocs/accounts/setup_dead.html", {"state": state, "token": token}, status=410 if link else 404
            )
        )
    user = link.user
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.link_use(link=link, password=form.cleaned_data["new_password1"])
        except ValidationError:  # used a moment ago by another submission
            return _no_store(
                render(request, "blocs/accounts/setup_dead.html", {"state": services.LinkState.USED, "token": token})
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Your password is set. From now on, sign in as “%(username)s” with it.") % {"username": user.username},
        )
        return redirect("dashboards:home")
    person = Person.objects.select_related("unit", "board_province").filter(user=user).first()
    context = {
        "form": form,
        "link": link,
        "account": user,
        "where": services.where_text(person) if person else "",
    }
    return _no_store(render(request, "blocs/accounts/setup.html", context))


@require_POST
def setup_renew(request, token):
    """From a link that no longer works: mail a new one to the account's own address."""
    link = links.find(token)
    if link is None:
        raise Http404
    outcome = services.link_renew(link=link)
    return _no_store(render(request, "blocs/accounts/setup_renewed.html", {"outcome": outcome}))


@never_cache
def password_reset(request):
    """“Quên mật khẩu?”: a link for every active account with this address, including one never signed in.
    The answer is the same whether the address is known or not."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.password_reset_ask(email=form.cleaned_data["email"], address=client_ip(request)):
            return redirect("password_reset_done")
        form.add_error(None, _("Too many requests came from your address in the last hour. Try again later."))
        return render(request, "registration/password_reset_form.html", {"form": form}, status=429)
    return render(request, "registration/password_reset_form.html", {"form": form})


# --- the board: the province's accounts --------------------------------------------------------------------


def _board_province(request) -> Province:
    ensure_can(request.user, "blocs.people.manage", None)
    return facts(request.user).person.board_province


def _managed_person(request, pk) -> Person:
    """A person the user may manage: an officer of their province (the board), board staff of their province
    (the board, or the system administrator). Anyone else's id is a 404."""
    person = get_object_or_404(Person.objects.select_related("user", "unit__province", "board_province"), pk=pk)
    if not services.may_manage(request.user, person):
        if not (can(request.user, "blocs.people.manage", None) or request.user.is_superuser):
            raise PermissionDenied("blocs.people.manage")
        raise Http404
    return person


@login_required
def people(request):
    province = _board_province(request)
    form = AccountFilterForm(request.GET or None, province=province)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.accounts(
        province=province, unit=filters.get("unit"), q=filters.get("q", ""), status=filters.get("status", "")
    )
    staff = selectors.accounts(province=province, board=True)
    context = {
        "province": province,
        "form": form,
        "rows": rows,
        "staff": staff,
        "counts": selectors.counts(selectors.accounts(province=province)) if filters else selectors.counts(rows),
        "labels": selectors.LABELS,
    }
    return render(request, "blocs/accounts/people.html", context)


@login_required
def person_detail(request, pk):
    person = _managed_person(request, pk)
    account = selectors.account_of(
        selectors.with_failures(selectors.with_latest_link(Person.objects.filter(pk=person.pk)))
        .select_related("user", "unit__province", "board_province")
        .get()
    )
    history = list(
        SetupLink.objects.filter(user=person.user).select_related("created_by").order_by("-created_at", "-id")[:20]
    )
    changes = list(person.unit_changes.select_related("from_unit", "to_unit", "changed_by"))
    log = selectors.history(person)
    context = {
        "person": person,
        "account": account,
        "history": history,
        "changes": changes,
        "log": log,
        "move_form": MoveForm(person=person) if person.unit_id else None,
    }
    return render(request, "blocs/accounts/person_detail.html", context)


@login_required
def person_edit(request, pk):
    person = _managed_person(request, pk)
    initial = {
        "full_name": person.user.full_name,
        "email": person.user.email,
        "position": person.position,
        "phone": person.phone,
    }
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        old_email = person.user.email
        try:
            services.account_update(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if old_email.lower() != person.user.email.lower():
                messages.success(
                    request,
                    _("Saved. Links sent to %(old)s no longer work; send a new invitation to reach %(new)s.")
                    % {"old": old_email, "new": person.user.email},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("accounts:person", pk=person.pk)
    return render(request, "blocs/accounts/person_edit.html", {"form": form, "person": person})


@login_required
@require_POST
def person_invite(request, pk):
    person = _managed_person(request, pk)
    try:
        link = services.invitation_send(person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A link to choose a password was sent to %(email)s; it works until %(expires)s.")
            % {"email": person.user.email, "expires": services.local_time(link.expires_at)}
            + " "
            + _("Older links no longer work."),
        )
    return redirect("accounts:person", pk=person.pk)


@login_required
@require_POST
def person_active(request, pk):
    person = _managed_person(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(person=person, active=active, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, _("The account was reactivated."))
        else:
            messages.success(request, _("The account was deactivated; it can no longer sign in."))
    return redirect(_next(request, reverse("accounts:person", args=[person.pk])))


@login_required
@require_POST
def person_unlock(request, pk):
    """Lift the lock that failed sign-ins put on the account."""
    person = _managed_person(request, pk)
    services.account_unlock(person=person, by=request.user)
    messages.success(request, _("The account can sign in again."))
    return redirect(_next(request, reverse("accounts:person", args=[person.pk])))


@login_required
def person_move(request, pk):
    person = _managed_person(request, pk)
    if not person.unit_id:
        raise Http404
    form = MoveForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_move(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s now belongs to %(unit)s.") % {"name": person.user, "unit": person.unit.name}
            )
            return redirect("accounts:person", pk=person.pk)
    return render(request, "blocs/accounts/person_move.html", {"form": form, "person": person})


@login_required
@require_POST
def handover(request):
    """The sheet of links to hand over, for the accounts ticked (or one): shown once, never again."""
    ids = [value for value in request.POST.getlist("people") if value.isdigit()]
    if not ids:
        messages.error(request, _("Tick at least one account."))
        return redirect(_next(request, reverse("accounts:people")))
    chosen = list(
        Person.objects.filter(pk__in=ids)
        .select_related("user", "unit__province", "board_province")
        .order_by("unit__name", "user__full_name")
    )
    if len(chosen) != len(set(ids)):
        raise Http404
    try:  # the service checks the right to each account: one refused, none issued
        handed = services.handover_links(people=chosen, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_next(request, reverse("accounts:people")))
    return _no_store(render(request, "blocs/accounts/handover_sheet.html", {"handed": handed}))


def _next(request, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


# --- board staff: the board adds colleagues; the system administrator adds the first -----------------------


def _create_person(request, form, **place):
    data = dict(form.cleaned_data)
    invite = data.pop("invite", True)
    person = services.account_create(by=request.user, invite=invite, **data, **place)
    if invite:
        messages.success(
            request,
            _("The account “%(username)s” was created; an invitation to choose a password was sent to %(email)s.")
            % {"username": person.user.username, "email": person.user.email},
        )
    else:
        messages.success(
            request,
            _("The account “%(username)s” was created. Hand the person a link to choose a password (below).")
            % {"username": person.user.username},
        )
    return person


@login_required
def staff_create(request):
    """Board staff of the user's own province add a colleague."""
    province = _board_province(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = _create_person(request, form, board_province=province)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("accounts:person", pk=person.pk)
    return render(request, "blocs/accounts/staff_form.html", {"form": form, "province": province})


@login_required
def unit_officers(request, pk):
    """One unit's officers, and a new one."""
    province = _board_province(request)
    unit = get_object_or_404(Unit, pk=pk, province=province)
    rows = selectors.accounts(province=province, unit=unit)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = _create_person(request, form, unit=unit)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if not form.cleaned_data.get("invite"):
                return redirect("accounts:person", pk=person.pk)
            return redirect("accounts:unit-officers", pk=unit.pk)
    return render(request, "blocs/accounts/unit_officers.html", {"unit": unit, "rows": rows, "form": form})


# --- the system administrator: provinces and their board ---------------------------------------------------


def _system(request) -> None:
    ensure_can(request.user, "blocs.system")


@login_required
def system_home(request):
    _system(request)
    provinces = Province.objects.annotate(
        n_units=Count("units", distinct=True),
        n_blocs=Count("blocs", distinct=True),
        n_staff=Count("board_staff", filter=Q(board_staff__user__is_active=True), distinct=True),
    ).order_by("name")
    return render(request, "blocs/accounts/system_home.html", {"provinces": provinces})


@login_required
def province_edit(request, pk=None):
    _system(request)
    province = get_object_or_404(Province, pk=pk) if pk else Province()
    form = ProvinceForm(request.POST or None, instance=province)
    if request.method == "POST" and form.is_valid():
        try:
            services.province_save(province=form.instance, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The province “%(name)s” was saved.") % {"name": province.name})
            return redirect("accounts:province", pk=province.pk)
    return render(request, "blocs/accounts/province_form.html", {"form": form, "province": province})


@login_required
def province_detail(request, pk):
    _system(request)
    province = get_object_or_404(Province, pk=pk)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = _create_person(request, form, board_province=province)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if not form.cleaned_data.get("invite"):
                return redirect("accounts:person", pk=person.pk)
            return redirect("accounts:province", pk=province.pk)
    context = {
        "province": province,
        "staff": selectors.accounts(province=province, board=True),
        "form": form,
        "n_units": province.units.count(),
        "n_blocs": province.blocs.count(),
    }
    return render(request, "blocs/accounts/province_detail.html", context)
