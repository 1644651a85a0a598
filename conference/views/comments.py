"""Pages of the comment round on the bloc's draft summary report: the page, publish, comment, answer, download,
and a new comment window once the last one has closed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.roles import facts
from blocs.shortcuts import year_or_404
from core.files import private_file_response
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from ..enums import AnswerStatus
from ..forms.comments import AnswerForm, CommentForm, PublishForm, WindowForm
from ..models import Comment, DraftReport
from ..services import comments as comments


def _to_page(emulation_year, anchor: str = ""):
    url = reverse("conference:draft-report", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return redirect(url + anchor)


def _answer_form(comment, bound=None) -> AnswerForm:
    if bound is not None and bound.comment_pk == comment.pk:
        return bound
    form = AnswerForm(auto_id=f"id_c{comment.pk}_%s")
    form.comment_pk = comment.pk
    return form


def _render(
    request, emulation_year, *, publish_form=None, comment_form=None, answer_form=None, window_form=None, status=200
):
    user = request.user
    state = comments.comment_round(emulation_year)
    latest = state.latest
    may_publish = can(user, "conference.draft.publish", emulation_year)
    # The leader sends a draft only while the window is open; once it has closed, it sets a new one.
    send_problems = comments.sending_problems(emulation_year, window=state.window) if may_publish else []
    may_set_window = may_publish and (state.window is None or state.window.state() == comments.CLOSED)
    if may_set_window and window_form is None:
        window_form = WindowForm()
    may_answer = can(user, "conference.draft.answer", emulation_year)
    may_comment = (
        latest is not None
        and state.window is not None
        and state.window.is_open()
        and can(user, "conference.draft.comment", emulation_year)
    )
    if may_publish and publish_form is None and not send_problems:
        publish_form = PublishForm()
    if may_comment and comment_form is None:
        comment_form = CommentForm(sections=latest.sections)
    for group in state.sections:
        for comment in group.comments:
            comment.answer_label = comments.ANSWER_LABELS.get(comment.answer_status)
            comment.is_pending = comment.answer_status == AnswerStatus.PENDING
            comment.form = _answer_form(comment, answer_form) if may_answer and comment.is_pending else None
            comment.answer_url = reverse(
                "conference:draft-answer", args=(emulation_year.bloc.slug, emulation_year.year, comment.pk)
            )
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "round": state,
        "latest": latest,
        "earlier": state.drafts[1:],
        "window": state.window,
        "window_state": state.window.state() if state.window else None,
        "may_publish": may_publish,
        "may_answer": may_answer,
        "may_comment": may_comment,
        "is_commenter": can(user, "conference.draft.comment", emulation_year),
        "publish_form": publish_form if may_publish else None,  # a refused one is shown again with the reason
        "send_problems": send_problems,
        "window_form": window_form if may_set_window else None,
        # A refused comment is shown again with the reason, even once the window has closed.
        "comment_form": comment_form if may_comment or (comment_form is not None and comment_form.is_bound) else None,
    }
    return render(request, "conference/draft_report.html", context, status=status)


@login_required
def draft_report(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.draft.view", emulation_year)
    return _render(request, emulation_year)


@login_required
@require_POST
def draft_publish(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.draft.publish", emulation_year)
    form = PublishForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            draft = comments.draft_publish(
                year=emulation_year,
                upload=form.cleaned_data["file"],
                sections=form.cleaned_data["sections"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)s of the draft was published; the member units were notified.")
                % {"version": draft.version},
            )
            return _to_page(emulation_year)
    return _render(request, emulation_year, publish_form=form)


@login_required
@require_POST
def comment_window_set(request, slug, year):
    """The leader sets a new comment window (after the last one closed), from the draft-report page or the summary
    report's page; back to the page it came from."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.draft.publish", emulation_year)
    form = WindowForm(request.POST)
    if form.is_valid():
        try:
            deadline = comments.comment_window_set(
                year=emulation_year, until=form.cleaned_data["until"], by=request.user
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # a window is set already: nothing to correct on the form
                messages.error(request, " ".join(error.messages))
                return _back(emulation_year, form)
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The comment window is open until %(end)s.")
                % {"end": timezone.localtime(deadline.due_at).strftime("%d/%m/%Y %H:%M")},
            )
            return _back(emulation_year, form)
    return _render(request, emulation_year, window_form=form)


def _back(emulation_year, form: WindowForm):
    if form.data.get("back") == "summary":
        url = reverse("conference:summary", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
        return redirect(url + "#send")
    return _to_page(emulation_year, "#window")


@login_required
@require_POST
def draft_comment(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.draft.comment", emulation_year)
    draft = DraftReport.objects.filter(year=emulation_year).order_by("-version").first()
    if draft is None:
        raise Http404
    draft.year = emulation_year
    form = CommentForm(request.POST, sections=draft.sections)
    if form.is_valid():
        try:
            comment = comments.comment_add(
                draft=draft,
                unit=facts(request.user).person.unit,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your comment was sent to the leader unit."))
            return _to_page(emulation_year, f"#comment-{comment.pk}")
    return _render(request, emulation_year, comment_form=form)


@login_required
@require_POST
def comment_answer(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.draft.answer", emulation_year)
    comment = get_object_or_404(Comment.objects.select_related("draft", "unit"), pk=pk, draft__year=emulation_year)
    comment.draft.year = emulation_year
    form = AnswerForm(request.POST, auto_id=f"id_c{comment.pk}_%s")
    form.comment_pk = comment.pk
    if form.is_valid():
        try:
            comments.comment_answer(
                comment=comment, status=form.cleaned_data["status"], answer=form.cleaned_data["answer"], by=request.user
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # already answered: nothing to correct on the form
                messages.error(request, " ".join(error.messages))
                return _to_page(emulation_year, f"#comment-{comment.pk}")
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The answer was sent to %(unit)s.") % {"unit": comment.unit.short_name})
            return _to_page(emulation_year, f"#comment-{comment.pk}")
    return _render(request, emulation_year, answer_form=form)


@login_required
def draft_download(request, slug, year, version):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.draft.view", emulation_year)
    draft = get_object_or_404(DraftReport, year=emulation_year, version=version)
    return private_file_response(draft.file, download_name=draft.original_name)
