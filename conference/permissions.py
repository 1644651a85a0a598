"""Rules of the conference app: the leader (and the board) edit and issue the plan; members read it and
register their own delegates; the comment round, the minutes and the summary report."""

from blocs.permissions import knows_year_of
from blocs.roles import facts, is_board_of, is_leader, is_member
from core.permissions import hidden_unless, rule

from .models import ConferenceMinutes, ConferencePlan, Delegate, DraftReport, SummaryReport


@rule("conference.plan.view")
def may_view_plan(user, year) -> bool:
    return is_board_of(user, year.bloc.province_id) or is_member(user, year)


@rule("conference.plan.edit")
def may_edit_plan(user, year) -> bool:
    return not year.is_closed and (is_leader(user, year) or is_board_of(user, year.bloc.province_id))


@rule("conference.delegates.register")
def may_register_delegates(user, target) -> bool:
    year, unit = target
    if year.is_closed:
        return False
    return (facts(user).unit_id == unit.pk and is_member(user, year)) or is_leader(user, year)


@rule("conference.plan.document")
def may_read_plan_document(user, plan) -> bool:
    """A plan's rendered files: whoever may read the plan; drafts only to those who may edit it."""
    if plan.is_issued:
        return may_view_plan(user, plan.year)
    return may_edit_plan(user, plan.year)


# --- the comment round on the draft report ---------------------------------------------------------------


@rule("conference.draft.publish")
def may_publish_draft(user, year) -> bool:
    """The leader unit publishes the draft of the bloc's summary report while the year is open."""
    return not year.is_closed and is_leader(user, year)


@rule("conference.draft.view")
def may_view_draft(user, year) -> bool:
    """The drafts, the comments and the answers: every member unit of the year, and the board."""
    return is_board_of(user, year.bloc.province_id) or is_member(user, year)


@rule("conference.draft.comment")
def may_comment_draft(user, year) -> bool:
    """A member unit's officer comments while the year is open (the window is checked by the service). The leader
    unit wrote the draft: it answers the comments rather than making them."""
    return not year.is_closed and is_member(user, year) and not is_leader(user, year)


@rule("conference.draft.answer")
def may_answer_comment(user, year) -> bool:
    return not year.is_closed and is_leader(user, year)


# --- the conference minutes (biên bản hội nghị) ---------------------------------------------------------


@rule("conference.minutes.view")
def may_view_minutes(user, year) -> bool:
    """The minutes' page: every member unit of the year, and the board."""
    return is_board_of(user, year.bloc.province_id) or is_member(user, year)


@rule("conference.minutes.edit")
def may_edit_minutes(user, year) -> bool:
    """The leader unit writes, issues and corrects the minutes while the year is open."""
    return not year.is_closed and is_leader(user, year)


@rule("conference.minutes.document")
def may_read_minutes_document(user, minutes) -> bool:
    """The minutes' text and files: issued minutes to whoever may view them, a draft to those who write it."""
    if minutes.is_issued:
        return may_view_minutes(user, minutes.year)
    return may_edit_minutes(user, minutes.year)


# --- the bloc's summary report (báo cáo tổng kết) --------------------------------------------------------


@rule("conference.summary.view")
def may_view_summary(user, year) -> bool:
    """The report's page: every member unit of the year, and the board."""
    return is_board_of(user, year.bloc.province_id) or is_member(user, year)


@rule("conference.summary.edit")
def may_edit_summary(user, year) -> bool:
    """The leader unit writes, sends for comments, issues and corrects the report while the year is open."""
    return not year.is_closed and is_leader(user, year)


@rule("conference.summary.document")
def may_read_summary_document(user, summary) -> bool:
    """The report's text and files: the board and its writer always; the member units once it is sent for
    comments (they comment on it) and, of course, once issued."""
    year = summary.year
    if may_edit_summary(user, year) or is_board_of(user, year.bloc.province_id):
        return True
    return (summary.is_issued or summary.is_sent) and may_view_summary(user, year)


hidden_unless(ConferencePlan, knows_year_of)
hidden_unless(Delegate, knows_year_of)
hidden_unless(DraftReport, knows_year_of)
hidden_unless(ConferenceMinutes, knows_year_of)
hidden_unless(SummaryReport, knows_year_of)
