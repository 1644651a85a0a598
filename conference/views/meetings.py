"""Pages of the bloc's meetings: the year's list (the year-end conference with its documents, then every other
meeting), a meeting's form, its page (details, guests, the draft report and its comment round, the minutes), and
the minutes' pages, which share core/documents/views.py with every issued document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from blocs.roles import facts
from blocs.shortcuts import year_or_404
from core.documents import views as documents
from core.documents.views import known_format
from core.files import private_file_response
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from ..enums import AnswerStatus
from ..forms.comments import AnswerForm, CommentForm, PublishForm
from ..forms.meetings import MeetingForm, MeetingMinutesForm, MeetingPlanForm
from ..forms.minutes import MinutesIssueForm
from ..models import Meeting, MeetingComment, MeetingDraft
from ..services import meetings as services
from ..services.comments import ANSWER_LABELS
from ..services.meetings import MEETING_MINUTES, MEETING_PLAN


def _meeting_or_404(slug, year, pk) -> Meeting:
    """The meeting of the year at the URL (its rules are asked by each view: 404 to whoever may not know it)."""
    emulation_year = year_or_404(slug, year)
    meeting = get_object_or_404(Meeting.objects.select_related("minutes", "plan"), pk=pk, year=emulation_year)
    meeting.year = emulation_year
    return meeting


def _to_meeting(meeting: Meeting, anchor: str = ""):
    return redirect(services._link(meeting, anchor))


@login_required
def meeting_list(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.meetings.view", emulation_year)
    rows = services.year_meetings(emulation_year)
    for meeting in rows:
        meeting.year = emulation_year
        meeting.title = services.meeting_title(meeting)
        meeting.window_state = services.window_state(meeting)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "meetings": rows,
        "may_manage": can(request.user, "conference.meetings.manage", emulation_year),
    }
    return render(request, "conference/meetings/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug, year, pk=None):
    emulation_year = year_or_404(slug, year)
    meeting = _meeting_or_404(slug, year, pk) if pk is not None else Meeting(year=emulation_year)
    ensure_can(request.user, "conference.meetings.manage", emulation_year)
    form = MeetingForm(request.POST or None, instance=meeting, year=emulation_year)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_save(meeting=form.instance, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The meeting was saved and written into the year's calendar; the member units were notified.")
                if pk is None
                else _("The meeting was saved."),
            )
            return _to_meeting(meeting)
    context = {"year": emulation_year, "bloc": emulation_year.bloc, "meeting": meeting, "form": form}
    return render(request, "conference/meetings/edit.html", context, status=400 if form.is_bound else 200)


def _render(request, meeting: Meeting, *, publish_form=None, comment_form=None, answer_form=None, status=200):
    user = request.user
    state = services.meeting_round(meeting)
    latest = state.latest
    window_state = state.state()
    may_present = can(user, "conference.meeting.present", meeting)
    may_comment = latest is not None and window_state == "open" and can(user, "conference.meeting.comment", meeting)
    if may_present and publish_form is None:
        publish_form = PublishForm()
    if may_comment and comment_form is None:
        comment_form = CommentForm(sections=latest.sections)
    year = meeting.year
    for group in state.sections:
        for comment in group.comments:
            comment.answer_label = ANSWER_LABELS.get(comment.answer_status)
            comment.is_pending = comment.answer_status == AnswerStatus.PENDING
            if may_present and comment.is_pending:
                if answer_form is not None and answer_form.comment_pk == comment.pk:
                    comment.form = answer_form
                else:
                    comment.form = AnswerForm(auto_id=f"id_c{comment.pk}_%s")
            else:
                comment.form = None
            comment.answer_url = reverse(
                "conference:meeting-answer", args=(year.bloc.slug, year.year, meeting.pk, comment.pk)
            )
    try:
        minutes = meeting.minutes
    except Meeting.minutes.RelatedObjectDoesNotExist:
        minutes = None
    try:
        plan = meeting.plan
    except Meeting.plan.RelatedObjectDoesNotExist:
        plan = None
    context = {
        "year": year,
        "bloc": year.bloc,
        "meeting": meeting,
        "title": services.meeting_title(meeting),
        "presenter": services.presenter_unit(meeting),
        "round": state,
        "latest": latest,
        "earlier": state.drafts[1:],
        "window": state.window,
        "window_state": window_state,
        "may_manage": can(user, "conference.meetings.manage", year),
        "may_present": may_present,
        "may_comment": may_comment,
        "is_commenter": can(user, "conference.meeting.comment", meeting),
        "publish_form": publish_form if may_present else None,
        "comment_form": comment_form if may_comment or (comment_form is not None and comment_form.is_bound) else None,
        "minutes": minutes,
        "plan": plan,
        "may_write_minutes": can(user, "conference.meeting.minutes.edit", meeting),
    }
    return render(request, "conference/meetings/detail.html", context, status=status)


@login_required
def meeting_detail(request, slug, year, pk):
    meeting = _meeting_or_404(slug, year, pk)
    ensure_can(request.user, "conference.meeting.view", meeting)
    return _render(request, meeting)


@login_required
@require_POST
def meeting_publish(request, slug, year, pk):
    meeting = _meeting_or_404(slug, year, pk)
    ensure_can(request.user, "conference.meeting.present", meeting)
    form = PublishForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            data = form.cleaned_data
            draft = services.draft_publish(
                meeting=meeting, upload=data["file"], sections=data["sections"], by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)s of the draft was published; the member units were notified.")
                % {"version": draft.version},
            )
            return _to_meeting(meeting, "#drafts")
    return _render(request, meeting, publish_form=form, status=400)


@login_required
@require_POST
def meeting_comment(request, slug, year, pk):
    meeting = _meeting_or_404(slug, year, pk)
    ensure_can(request.user, "conference.meeting.comment", meeting)
    draft = meeting.drafts.order_by("-version").first()
    if draft is None:
        raise Http404
    draft.meeting = meeting
    form = CommentForm(request.POST, sections=draft.sections)
    if form.is_valid():
        try:
            comment = services.comment_add(
                draft=draft,
                unit=facts(request.user).person.unit,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your comment was sent to the presenting unit."))
            return _to_meeting(meeting, f"#comment-{comment.pk}")
    return _render(request, meeting, comment_form=form, status=400)


@login_required
@require_POST
def meeting_answer(request, slug, year, pk, comment_pk):
    meeting = _meeting_or_404(slug, year, pk)
    ensure_can(request.user, "conference.meeting.present", meeting)
    comment = get_object_or_404(
        MeetingComment.objects.select_related("draft", "unit"), pk=comment_pk, draft__meeting=meeting
    )
    comment.draft.meeting = meeting
    form = AnswerForm(request.POST, auto_id=f"id_c{comment.pk}_%s")
    form.comment_pk = comment.pk
    if form.is_valid():
        try:
            services.comment_answer(
                comment=comment, status=form.cleaned_data["status"], answer=form.cleaned_data["answer"], by=request.user
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return _to_meeting(meeting, f"#comment-{comment.pk}")
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The answer was sent to %(unit)s.") % {"unit": comment.unit.short_name})
            return _to_meeting(meeting, f"#comment-{comment.pk}")
    return _render(request, meeting, answer_form=form, status=400)


@login_required
def meeting_draft_download(request, slug, year, pk, version):
    meeting = _meeting_or_404(slug, year, pk)
    ensure_can(request.user, "conference.meeting.view", meeting)
    draft = get_object_or_404(MeetingDraft, meeting=meeting, version=version)
    return private_file_response(draft.file, download_name=draft.original_name)


# --- the minutes --------------------------------------------------------------------------------------------


def _minutes_page(request, meeting, minutes, *, issue_form=None):
    context = documents.document_context(
        request, MEETING_MINUTES, meeting, minutes, issue_form=issue_form, form_class=MinutesIssueForm
    )
    context["title"] = services.meeting_title(meeting)
    return render(request, MEETING_MINUTES.templates["page"], context)


@login_required
def minutes_detail(request, slug, year, pk):
    meeting = _meeting_or_404(slug, year, pk)
    ensure_can(request.user, MEETING_MINUTES.page_action, meeting)
    return _minutes_page(request, meeting, MEETING_MINUTES.current(meeting))


@xframe_options_sameorigin
@login_required
@require_http_methods(["GET", "POST"])
def minutes_preview(request, slug, year, pk):
    return documents.preview_view(
        request, MEETING_MINUTES, _meeting_or_404(slug, year, pk), form_class=MeetingMinutesForm
    )


@login_required
def minutes_edit(request, slug, year, pk):
    return documents.editor_view(
        request, MEETING_MINUTES, _meeting_or_404(slug, year, pk), form_class=MeetingMinutesForm
    )


@login_required
@require_POST
def minutes_issue(request, slug, year, pk):
    return documents.issue_view(
        request, MEETING_MINUTES, _meeting_or_404(slug, year, pk), form_class=MinutesIssueForm, page=_minutes_page
    )


@login_required
@require_POST
def minutes_new_version(request, slug, year, pk):
    return documents.new_version_view(request, MEETING_MINUTES, _meeting_or_404(slug, year, pk))


@login_required
@require_POST
@known_format
def minutes_render(request, slug, year, pk, fmt):
    return documents.rendering_view(request, MEETING_MINUTES, _meeting_or_404(slug, year, pk), fmt=fmt)


# --- the plan (optional): the same pages as the minutes' -------------------------------------------------------


def _plan_page(request, meeting, plan, *, issue_form=None):
    context = documents.document_context(
        request, MEETING_PLAN, meeting, plan, issue_form=issue_form, form_class=MinutesIssueForm
    )
    context["title"] = services.meeting_title(meeting)
    return render(request, MEETING_PLAN.templates["page"], context)


@login_required
def plan_detail(request, slug, year, pk):
    meeting = _meeting_or_404(slug, year, pk)
    ensure_can(request.user, MEETING_PLAN.page_action, meeting)
    return _plan_page(request, meeting, MEETING_PLAN.current(meeting))


@xframe_options_sameorigin
@login_required
@require_http_methods(["GET", "POST"])
def plan_preview(request, slug, year, pk):
    return documents.preview_view(request, MEETING_PLAN, _meeting_or_404(slug, year, pk), form_class=MeetingPlanForm)


@login_required
def plan_edit(request, slug, year, pk):
    return documents.editor_view(request, MEETING_PLAN, _meeting_or_404(slug, year, pk), form_class=MeetingPlanForm)


@login_required
@require_POST
def plan_issue(request, slug, year, pk):
    return documents.issue_view(
        request, MEETING_PLAN, _meeting_or_404(slug, year, pk), form_class=MinutesIssueForm, page=_plan_page
    )


@login_required
@require_POST
def plan_new_version(request, slug, year, pk):
    return documents.new_version_view(request, MEETING_PLAN, _meeting_or_404(slug, year, pk))


@login_required
@require_POST
@known_format
def plan_render(request, slug, year, pk, fmt):
    return documents.rendering_view(request, MEETING_PLAN, _meeting_or_404(slug, year, pk), fmt=fmt)
