"""Writes on people's accounts: create and invite, password links (mailed or handed over), reset, use a link,
deactivate, move to another unit, change the e-mail; provinces for the system administrator.

Each is one transaction with its audit row; mail goes through the outbox and leaves after commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core import pagecache
from core.audit import audit
from core.notifications import mail_queue
from core.permissions import can, ensure_can

from ..models import Person, Province, SetupLink, Unit, UnitChange
from . import links, throttles

User = get_user_model()


# --- helpers -----------------------------------------------------------------------------------------------


def _manage_rule(person: Person) -> tuple[str, Province]:
    """The rule that decides who manages this account, and the province it is asked with: an officer's account
    is the province's board's; a board colleague's, the board's or the system administrator's."""
    if person.unit_id:
        return "blocs.people.manage", person.unit.province
    return "blocs.staff.manage", person.board_province


def may_manage(user, person: Person) -> bool:
    action, province = _manage_rule(person)
    return can(user, action, province)


def _ensure_may_manage(by, person: Person) -> None:
    ensure_can(by, *_manage_rule(person))


def email_taken(email: str, *, exclude_user=None) -> bool:
    """One account per address (case-insensitive), across every province."""
    qs = User.objects.filter(email__iexact=email)
    if exclude_user is not None:
        qs = qs.exclude(pk=exclude_user.pk)
    return qs.exists()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({field: _("“%(email)s” is not a valid e-mail address.") % {"email": email}}) from None
    return email


def where_text(person: Person) -> str:
    """ "cán bộ thi đua của Sở Tư pháp tỉnh Tuyên Quang": the person's place, in the active language."""
    if person.unit_id:
        return _("emulation officer of %(unit)s") % {"unit": person.unit.name}
    return _("staff of the Emulation and Commendation Board of %(province)s") % {"province": person.board_province.name}


def _inviter_text(by) -> str:
    if by is None or not getattr(by, "pk", None):
        return ""
    person = Person.objects.filter(user=by).select_related("unit", "board_province").first()
    if person is None:
        text = _("%(name)s (system administrator)") % {"name": by}
        # A superuser named after the role ("Quản trị hệ thống") is not named twice.
        role = _("system administrator")
        return role[:1].upper() + role[1:] if str(by).strip().lower() == role.lower() else text
    if person.board_province_id:
        return _("%(name)s (Emulation and Commendation Board of %(province)s)") % {
            "name": by,
            "province": person.board_province.name,
        }
    return _("%(name)s (%(unit)s)") % {"name": by, "unit": person.unit.name}


def local_time(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def _mail_link(*, person: Person, link: SetupLink, token: str, by) -> None:
    """The mail that carries a password link, in the recipient's language."""
    user = person.user
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        url = links.absolute_url(token)
        login_url = settings.SITE_URL.rstrip("/") + reverse("login")
        values = {
            "name": user.full_name or user.username,
            "username": user.username,
            "where": where_text(person),
            "url": url,
            "expires": local_time(link.expires_at),
            "login": login_url,
        }
        if link.purpose == SetupLink.Purpose.RESET:
            subject = _("Choose a new password for Khối thi đua")
            lines = [
                _("Dear %(name)s,") % values,
                "",
                _("Someone (probably you) asked to choose a new password for the account “%(username)s”.") % values,
                _("Open this link to choose it (it works once, until %(expires)s):") % values,
                url,
                "",
                _("If you did not ask for it, ignore this message: your password stays as it is."),
            ]
        else:
            inviter = _inviter_text(by)
            subject = _("Your account on Khối thi đua")
            lines = [
                _("Dear %(name)s,") % values,
                "",
                (
                    _("%(inviter)s created your account on Khối thi đua, as %(where)s.")
                    % {**values, "inviter": inviter}
                    if inviter
                    else _("An account on Khối thi đua was created for you, as %(where)s.") % values
                ),
                _("Your username: %(username)s") % values,
                "",
                _("To start, open this link and choose your password (it works once, until %(expires)s):") % values,
                url,
                "",
                _("If the link has expired, open it anyway: it lets you ask for a new one."),
                _("Afterwards, sign in at %(login)s") % values,
            ]
    mail_queue(to_email=user.email, subject=subject, body="\n".join(lines))


# --- creating accounts -------------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    by,
    username: str,
    full_name: str,
    email: str,
    position: str = "",
    phone: str = "",
    unit: Unit | None = None,
    board_province: Province | None = None,
    invite: bool = True,
) -> Person:
    """An account for an officer of a unit (or for board staff of a province), with no password: the person
    chooses it from the invitation mailed to them (`invite`), or from a link the board hands over. Nobody else
    ever knows it."""
    if (unit is None) == (board_province is None):
        raise ValueError("an account belongs to a unit or to a province's board")
    if unit is not None:
        ensure_can(by, "blocs.people.manage", unit.province)
        if not unit.is_active:
            raise ValidationError({"unit": _("The unit %(unit)s is inactive.") % {"unit": unit.name}})
    else:
        ensure_can(by, "blocs.staff.manage", board_province)
    username = (username or "").strip()
    email = _clean_email(email)
    errors = {}
    if username_taken(username):
        errors["username"] = _("The login “%(username)s” is already taken.") % {"username": username}
    if email_taken(email):
        errors["email"] = _("The address %(email)s is already used by another account.") % {"email": email}
    if errors:
        raise ValidationError(errors)
    user = User(username=username, full_name=" ".join((full_name or "").split()), email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same login or address, created at the same moment
        raise ValidationError({"username": _("The login or the e-mail address is already used.")}) from exc
    person = Person(user=user, unit=unit, board_province=board_province, position=position, phone=phone)
    person.full_clean()
    person.save()
    audit(
        by,
        "blocs.person.created",
        person,
        unit=unit.pk if unit else None,
        board_province=board_province.pk if board_province else None,
    )
    if invite:
        _send_link(person=person, by=by)
    return person


def _send_link(*, person: Person, by) -> SetupLink:
    """Mail a new link: an invitation to an account that never chose a password, a reset to one that did."""
    purpose = SetupLink.Purpose.RESET if person.user.has_usable_password() else SetupLink.Purpose.INVITATION
    link, token = links.issue(user=person.user, purpose=purpose, by=by)
    _mail_link(person=person, link=link, token=token, by=by)
    return link


@transaction.atomic
def invitation_send(*, person: Person, by) -> SetupLink:
    """The board (re)sends a password link by mail; the older links stop working."""
    _ensure_may_manage(by, person)
    if not person.user.is_active:
        raise ValidationError(_("The account is deactivated; reactivate it first."))
    if not person.user.email:
        raise ValidationError(_("The account has no e-mail address; add one, or hand a link over."))
    return _send_link(person=person, by=by)


@transaction.atomic
def invitations_send(*, people: Iterable[Person], by) -> list[SetupLink]:
    """Invite many accounts at once (after an import): one mail each, sent after commit."""
    sent = []
    for person in people:
        _ensure_may_manage(by, person)
        if person.user.is_active and person.user.email:
            sent.append(_send_link(person=person, by=by))
    return sent


@dataclass(frozen=True)
class HandedLink:
    person: Person
    link: SetupLink
    url: str


@transaction.atomic
def handover_links(*, people: Iterable[Person], by) -> list[HandedLink]:
    """Links for the board to hand over on paper or by phone (an intranet without mail): shown once, audited;
    each voids the account's older links."""
    handed = []
    for person in people:
        _ensure_may_manage(by, person)
        if not person.user.is_active:
            raise ValidationError(
                _("The account %(username)s is deactivated; reactivate it first.") % {"username": person.user.username}
            )
        link, token = links.issue(user=person.user, purpose=SetupLink.Purpose.HANDOVER, by=by)
        handed.append(HandedLink(person=person, link=link, url=links.absolute_url(token)))
    return handed


# --- the person's own side: reset, renew, use --------------------------------------------------------------


@transaction.atomic
def password_reset_ask(*, email: str, address: str) -> bool:
    """“Quên mật khẩu?” from the page: count the request against its address and hand the address typed to the
    worker (blocs.password_reset), which looks it up. The request does the same work whether an account has
    that address or not. False when the address asked PASSWORD_RESETS_PER_ADDRESS times within the hour."""
    email = (email or "").strip()
    if throttles.reset_requests_from(address) >= settings.PASSWORD_RESETS_PER_ADDRESS:
        return False
    audit(None, throttles.RESET_REQUESTED, None, address=address)
    if email:
        from ..tasks import password_reset_task  # the task module imports this one

        transaction.on_commit(lambda: password_reset_task.delay(email), robust=True)
    return True


def _self_service_links(user, *, hours: int = 1) -> int:
    """Links the account's owner had mailed (nobody of the board issued them) within the last hours."""
    since = timezone.now() - timedelta(hours=hours)
    return SetupLink.objects.filter(user=user, created_by__isnull=True, created_at__gte=since).count()


@transaction.atomic
def password_reset_request(*, email: str) -> int:
    """Mail a reset link to every active account with this address (one, since addresses are unique),
    including one that never signed in. Says nothing about whether the address exists; asks made again within
    a minute, or past PASSWORD_RESETS_PER_ACCOUNT links in the hour, send nothing more. Returns how many links
    were mailed."""
    email = (email or "").strip()
    if not email:
        return 0
    sent = 0
    people = Person.objects.select_related("user", "unit", "board_province")
    for person in people.filter(user__email__iexact=email, user__is_active=True):
        if links.recently_issued(user=person.user):
            continue
        if _self_service_links(person.user) >= settings.PASSWORD_RESETS_PER_ACCOUNT:
            audit(None, "blocs.account.reset_refused", person.user, reason="per_account_limit")
            continue
        _send_link(person=person, by=None)
        sent += 1
    return sent


class LinkState:
    LIVE = "live"
    USED = "used"
    EXPIRED = "expired"
    VOIDED = "voided"
    DEACTIVATED = "deactivated"
    UNKNOWN = "unknown"


def link_state(link: SetupLink | None) -> str:
    if link is None:
        return LinkState.UNKNOWN
    if not link.user.is_active:
        return LinkState.DEACTIVATED
    if link.used_at is not None:
        return LinkState.USED
    if link.voided_at is not None:
        return LinkState.VOIDED
    if link.expires_at <= timezone.now():
        return LinkState.EXPIRED
    return LinkState.LIVE


@transaction.atomic
def link_renew(*, link: SetupLink) -> str:
    """From a used, expired or voided link: mail a new one to the account's own address (never to whoever
    holds the old link). Returns "sent", "wait" (one was sent a moment ago), "no_email" or "deactivated"."""
    user = link.user
    if not user.is_active:
        return "deactivated"
    if not user.email:
        return "no_email"
    if links.recently_issued(user=user):
        return "wait"
    person = Person.objects.select_related("unit", "board_province").filter(user=user).first()
    if person is None:
        return "no_email"
    person.user = user
    new = _send_link(person=person, by=None)
    audit(None, "blocs.account.link_renewed", user, old_link=link.pk, link=new.pk)
    return "sent"


@transaction.atomic
def link_use(*, link: SetupLink, password: str):
    """Set the account's password from a live link (the form has validated the password); the link and any
    other live link of the account stop working. Two submissions at once: the second finds it used."""
    locked = SetupLink.objects.select_for_update(of=("self",)).select_related("user").get(pk=link.pk)
    state = link_state(locked)
    if state != LinkState.LIVE:
        raise ValidationError(state)
    now = timezone.now()
    user = locked.user
    user.set_password(password)
    user.save(update_fields=["password"])
    SetupLink.objects.filter(pk=locked.pk).update(used_at=now)
    links.void_live(user=user)
    throttles.clear_failures(user.username)  # a link from the account's own mailbox also lifts a sign-in lock
    audit(user, "blocs.account.password_set", user, link=locked.pk, purpose=locked.purpose)
    return user


# --- the board's management of an account ------------------------------------------------------------------


@transaction.atomic
def account_set_active(*, person: Person, active: bool, by) -> Person:
    """Deactivate (the person can no longer sign in; their links stop working; what they did stays theirs) or
    reactivate an account."""
    _ensure_may_manage(by, person)
    if not active and person.user_id == getattr(by, "pk", None):
        raise ValidationError(_("You cannot deactivate your own account."))
    person.user.is_active = active
    person.user.save(update_fields=["is_active"])
    if not active:
        links.void_live(user=person.user)
    audit(by, "blocs.person.activated" if active else "blocs.person.deactivated", person)
    return person


@transaction.atomic
def account_unlock(*, person: Person, by) -> int:
    """The board lifts the lock that failed sign-ins put on an account (from any address); audited. Returns how
    many recorded failures were forgotten."""
    _ensure_may_manage(by, person)
    cleared = throttles.clear_failures(person.user.username)
    audit(by, "blocs.person.unlocked", person, failures=cleared)
    return cleared


@transaction.atomic
def account_move(*, person: Person, unit: Unit, by, note: str = "") -> Person:
    """Move an officer to another unit of the same province; the change is kept in the person's history, and
    their earlier actions stay attributed to them."""
    _ensure_may_manage(by, person)
    if not person.unit_id:
        raise ValidationError(_("Board staff do not belong to a unit."))
    if unit.province_id != person.unit.province_id:
        raise ValidationError({"unit": _("The unit belongs to another province.")})
    if unit.pk == person.unit_id:
        raise ValidationError({"unit": _("The officer already belongs to %(unit)s.") % {"unit": unit.name}})
    if not unit.is_active:
        raise ValidationError({"unit": _("The unit %(unit)s is inactive.") % {"unit": unit.name}})
    old = person.unit
    UnitChange.objects.create(person=person, from_unit=old, to_unit=unit, changed_by=by, note=note)
    person.unit = unit
    person.save(update_fields=["unit", "updated_at"])
    pagecache.touch(pagecache.user_scope(person.user_id))
    audit(by, "blocs.person.moved", person, from_unit=old.pk, to_unit=unit.pk, note=note)
    return person


@transaction.atomic
def account_update(*, person: Person, full_name: str, email: str, position: str = "", phone: str = "", by) -> Person:
    """Change an account's name, address, position or phone. A new address voids the links sent to the old one
    (send a new invitation to reach the new one)."""
    _ensure_may_manage(by, person)
    user = person.user
    full_name = " ".join((full_name or "").split())
    email = _clean_email(email)
    if not full_name:
        raise ValidationError({"full_name": _("Enter the full name.")})
    email_changed = email.lower() != (user.email or "").lower()
    if email_changed and email_taken(email, exclude_user=user):
        raise ValidationError(
            {"email": _("The address %(email)s is already used by another account.") % {"email": email}}
        )
    old = {"full_name": user.full_name, "email": user.email, "position": person.position, "phone": person.phone}
    user.full_name, user.email = full_name, email
    try:
        with transaction.atomic():
            user.save(update_fields=["full_name", "email"])
    except IntegrityError as exc:  # the same address saved for another account at the same moment
        raise ValidationError(
            {"email": _("The address %(email)s is already used by another account.") % {"email": email}}
        ) from exc
    person.position, person.phone = position, phone
    person.full_clean()
    person.save(update_fields=["position", "phone", "updated_at"])
    voided = links.void_live(user=user) if email_changed else 0
    new = {"full_name": full_name, "email": email, "position": position, "phone": phone}
    audit(by, "blocs.person.updated", person, old=old, new=new, links_voided=voided)
    return person


# --- provinces (the system administrator) ------------------------------------------------------------------


@transaction.atomic
def province_save(*, province: Province, by) -> Province:
    ensure_can(by, "blocs.system")
    province.name = " ".join(province.name.split())
    province.code = province.code.strip().upper()
    province.authority_name = " ".join(province.authority_name.split()).upper()
    province.full_clean()
    created = province.pk is None
    province.save()
    audit(by, "blocs.province.created" if created else "blocs.province.updated", province)
    return province
