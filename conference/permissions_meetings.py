"""Rules of the bloc's meetings other than the year-end conference (mid-year review, thematic, extraordinary): the
leader unit (or the board) sets a meeting up and writes its minutes; the presenter's unit (the leader or the
deputy, per meeting) publishes the draft report and answers the comments; the other member units comment."""

from blocs.permissions import knows_year_of
from blocs.roles import facts, is_board_of, is_deputy, is_leader, is_member
from core.permissions import hidden_unless, rule

from .enums import Presenter
from .models import Meeting, MeetingDraft, MeetingMinutes, MeetingPlan


def is_presenter(user, meeting) -> bool:
    """An officer of the unit presenting the meeting's draft: the year's leader or deputy, as the meeting says."""
    year = meeting.year
    return is_deputy(user, year) if meeting.presenter == Presenter.DEPUTY else is_leader(user, year)


@rule("conference.meetings.view")
def may_view_meetings(user, year) -> bool:
    """The year's meetings, their drafts, comments and minutes: every member unit of the year, and the board."""
    return is_board_of(user, year.bloc.province_id) or is_member(user, year)


@rule("conference.meetings.manage")
def may_manage_meetings(user, year) -> bool:
    """Set a meeting up (kind, date, venue, chair, presenter, guests, comment window): the leader unit or the
    board, while the year is open."""
    return not year.is_closed and (is_leader(user, year) or is_board_of(user, year.bloc.province_id))


@rule("conference.meeting.present")
def may_present(user, meeting) -> bool:
    """Publish the meeting's draft report and answer the comments on it: the presenter's unit."""
    return not meeting.year.is_closed and is_presenter(user, meeting)


@rule("conference.meeting.comment")
def may_comment(user, meeting) -> bool:
    """A member unit's officer comments (the window is the service's to check); the presenter's unit wrote the
    draft and answers rather than comments."""
    year = meeting.year
    return not year.is_closed and facts(user).is_officer and is_member(user, year) and not is_presenter(user, meeting)


@rule("conference.meeting.minutes.edit")
def may_edit_meeting_minutes(user, meeting) -> bool:
    """Write, issue and correct the meeting's minutes: the leader unit, which keeps the bloc's register."""
    return not meeting.year.is_closed and is_leader(user, meeting.year)


@rule("conference.meeting.minutes.document")
def may_read_meeting_minutes(user, minutes) -> bool:
    """Issued minutes: whoever sees the year's meetings; a draft's files only its editors."""
    if minutes.is_issued:
        return may_view_meetings(user, minutes.meeting.year)
    return may_edit_meeting_minutes(user, minutes.meeting)


@rule("conference.meeting.view")
def may_view_meeting(user, meeting) -> bool:
    """A meeting's page, its drafts and its minutes' pages: whoever sees the year's meetings."""
    return may_view_meetings(user, meeting.year)


@rule("conference.meeting.plan.document")
def may_read_meeting_plan(user, plan) -> bool:
    """An issued plan: whoever sees the year's meetings; a draft's files only its editors."""
    if plan.is_issued:
        return may_view_meetings(user, plan.meeting.year)
    return may_edit_meeting_minutes(user, plan.meeting)


# Who may know that a meeting, its drafts and its minutes exist: whoever sees the year (404 to the others).
hidden_unless(Meeting, knows_year_of)
hidden_unless(MeetingDraft, lambda user, draft: knows_year_of(user, draft.meeting))
hidden_unless(MeetingMinutes, lambda user, minutes: knows_year_of(user, minutes.meeting))
hidden_unless(MeetingPlan, lambda user, plan: knows_year_of(user, plan.meeting))
