"""The words of every error: a stable code, and its English message id in the server's one gettext catalog.

Every refusal the system can give (a rule of the vote, a use case, the shape of
a request) is named by a code that API clients and the front end key on, and
worded once, here, in English; the Chinese is the translation of that message
id in ``voting/translations`` (``make translations``).  A raise names the code
and the values the words need, never words of its own; the web layer, the
command line and the logs word it in their language (``voting.language.error_message``,
``DomainError.__str__`` in English).  Placeholders are ``%(name)s``; a value
missing from an error is left as written rather than failing.

Pure Python, importing nothing: the bundle's verifier ships it with the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def N_(message: str) -> str:
    """Marks an English message id for ``make translations`` (pybabel extracts ``N_`` by default), looked up later
    in the language asked for."""
    return message


MESSAGES: dict[str, str] = {
    "validation_error": N_("Some of what was sent is not valid; see the fields named."),
    "bad_request": N_("The request could not be understood."),
    "not_authenticated": N_("Please log in."),
    "csrf_failed": N_("The page has expired or its origin is unknown; reload it and try again."),
    "not_found": N_("Nothing was found there."),
    "method_not_allowed": N_("That method is not allowed here."),
    "unsupported_media_type": N_("Please send JSON."),
    "payload_too_large": N_("What was sent is too large."),
    "missing_body": N_("This request needs a JSON body; none was sent."),
    "json_too_deep": N_("What was sent nests arrays and objects deeper than this API ever needs."),
    "number_too_long": N_("What was sent holds a number with far more digits than this API ever needs."),
    "invalid_value": N_("A value sent cannot be stored."),
    "rate_limited": N_("Too many attempts; please wait a moment and try again."),
    "conflict": N_("That clashes with the current state; reload and try again."),
    "internal_error": N_("Internal server error; please call a clerk."),
    "forbidden": N_("Your role may not do this."),
    "bad_credentials": N_("Wrong user name or password."),
    "invalid_role": N_("The role must be admin, clerk or scrutineer."),
    "password_too_short": N_("A password needs at least 12 characters."),
    "password_too_common": N_("This password is on the list of common passwords; choose another."),
    "invalid_slug": N_("A short name is lower-case letters, digits and inner hyphens, at most 40: not %(slug)s."),
    "body_exists": N_("There is already a body named %(slug)s."),
    "unknown_body": N_("There is no body named %(body)s."),
    "unknown_user": N_("There is no user named %(name)s."),
    "user_exists": N_("There is already a user with that name."),
    "invalid_seats": N_("Seats must be a whole number of at least 1, not %(value)s."),
    "invalid_choice": N_("%(setting)s must be one of %(choices)s, not %(value)s."),
    "invalid_fraction": N_("%(setting)s must be a fraction such as 1/2, not %(value)s."),
    "fraction_out_of_range": N_("%(setting)s must lie strictly between 0 and 1, not %(value)s."),
    "seats_not_fewer_than_candidates": N_("Seats (%(seats)s) must be fewer than candidates (%(candidates)s)."),
    "unknown_field": N_("Unknown rule setting %(setting)s."),
    "missing_field": N_("The setting %(setting)s is required."),
    "invalid_projects": N_("The round's projects are not valid."),
    "negative_count": N_("%(setting)s cannot be negative."),
    "invalid_deputy_count": N_("There must be at least one deputy."),
    "present_exceeds_deputies": N_("%(present)s deputies present is more than the %(deputies)s on the roster."),
    "conflicting_marks": N_("Project %(project)s is marked more than once; choose one mark per project."),
    "project_not_on_ballot": N_("Project %(project)s is not on this round's ballot."),
    "style_mismatch": N_("This vote's ballots only approve."),
    "duplicate_mark": N_("A project is listed twice."),
    "too_many_approvals": N_(
        "At most %(seats)s projects may be approved; you chose %(approvals)s. Remove some and submit again."
    ),
    "round_mismatch": N_(
        "Round %(round)s is not the one the rules call for (%(seats)s seats of projects %(projects)s)."
    ),
    "vote_decided": N_("The vote is decided; no further round is called for."),
    "no_rounds": N_("No round has been counted yet."),
    "no_counted_round": N_("No round of this vote has been counted yet: there is no tally to export."),
    "invalid_vote_transition": N_("The vote is %(current)s; it cannot become %(target)s now."),
    "invalid_round_transition": N_("The round is %(current)s; it cannot become %(target)s now."),
    "attendance_unchanged": N_("The deputy's attendance is already so."),
    "roster_not_utf8": N_("The CSV file must be UTF-8 text."),
    "roster_unreadable": N_("The XLSX file cannot be read."),
    "roster_format": N_("The roster must be a .csv or .xlsx file."),
    "roster_empty": N_("The roster file is empty."),
    "roster_nul": N_("The roster file holds a NUL character; save it again as plain UTF-8 text."),
    "roster_header": N_("The header must name the columns number and name (编号, 姓名); %(missing)s is missing."),
    "roster_rejected": N_("%(rows)s row(s) of the roster are bad; nothing was imported."),
    "candidate_numbers": N_("Candidate projects must be numbered 1, 2, 3, … without gaps or repeats."),
    "unknown_template": N_("There is no template %(template)s; the templates are %(known)s."),
    "rules_locked": N_("The rules and candidates are locked once the first round has opened."),
    "vote_published": N_("The vote's result is published."),
    "unknown_deputy": N_("No deputy number %(deputy)s on the roster."),
    "deputy_not_in_meeting": N_("The deputy is not on this meeting's roster."),
    "not_checked_in": N_("The deputy has not checked in."),
    "no_active_code": N_("The deputy holds no working voting code."),
    "code_held": N_(
        "Deputy %(deputy)s already holds a working voting code: if the slip is lost, use “Reissue” (the old code stops working)."
    ),
    "voids_changed": N_("Something changed meanwhile: this would now void %(voids)s slips. Look again, then confirm."),
    "attendance_final": N_("Every vote of this meeting is published: deputy %(deputy)s can no longer be checked out."),
    "invalid_code": N_("This voting code is not valid; check it and type it again."),
    "round_not_open": N_("No round is open for voting."),
    "paper_ballot_issued": N_("You were given a paper ballot for this round; please vote on paper."),
    "already_voted": N_("You have already voted in this round; a ballot once cast cannot be changed."),
    "idempotency_key_reused": N_("This submission key was used for a different ballot."),
    "idempotency_key_spent": N_(
        "A ballot with this code and submission key was recorded in round %(round)s before it closed; its receipt is no longer shown, and a new round needs a new ballot."
    ),
    "round_in_progress": N_("Round %(round)s has not been counted yet; count it first."),
    "no_quorum": N_("%(present)s of %(deputy_count)s deputies are present; at least %(quorum)s are needed to vote."),
    "cannot_issue_paper": N_("Deputy %(deputy)s is not checked in, or has already voted or been issued a ballot."),
    "paper_batch_pending": N_("Paper batch %(batch)s has not been reconciled and accepted."),
    "secrecy_pending": N_(
        "The round's secrecy step has not completed: a program (a backup or an export) is reading the database. The server completes it by itself once the reading ends; the round can be counted after that."
    ),
    "round_not_counted": N_("Round %(round)s has not been counted."),
    "round_not_accepting_paper": N_("Paper ballots cannot be entered in this round now."),
    "invalid_entry": N_("The entry is 1 or 2."),
    "batch_size": N_("A batch holds 1 to 1000 ballots."),
    "batch_accepted": N_("The batch has already been accepted."),
    "same_clerk": N_("The two entries of a batch must be made by two different clerks."),
    "no_batch": N_("There is no such batch in this round."),
    "second_entry_missing": N_("The batch was entered once; a second clerk must enter it too."),
    "entries_differ": N_("The two entries differ in %(differences)s place(s), first at ballot %(first)s."),
    "round_not_closed": N_("A round's ballot list is available once the round has closed."),
    "receipt_not_found": N_("No ballot with this receipt (receipts can be checked once the result is published)."),
    "unreadable": N_("line %(line)s: unreadable as CSV (%(detail)s)"),
    "bad_header": N_("line 1: expected the header ballot_id,approvals, found %(found)s"),
    "not_a_number": N_("line %(line)s: %(token)s is not a project number"),
    "duplicate_number": N_("line %(line)s: project %(project)s is approved twice"),
    "duplicate_ballot_id": N_("line %(line)s: ballot_id %(ballot_id)s appears twice"),
    "out_of_range": N_("line %(line)s: project %(project)s is out of range 1..%(candidates)s"),
    "not_on_ballot": N_("line %(line)s: project %(project)s is not on this round's ballot"),
    "empty_ballot_id": N_("line %(line)s: the ballot_id is empty"),
    "missing_column": N_("line %(line)s: expected two columns, ballot_id and approvals"),
    "not_training": N_("Only a training vote can be reset."),
    "invalid_scenario": N_("%(setting)s: %(detail)s"),
    "training_not_with_live": N_(
        "A training vote and a live vote cannot share a meeting (attendance belongs to the meeting): create a meeting for the drill."
    ),
    "unknown_drill": N_("There is no drill named %(name)s."),
    "drill_failed": N_("The drill %(name)s could not be played to the end: %(detail)s"),
    "drill_second_clerk": N_(
        "A drill's paper ballots are entered a second time by the account %(name)s, which must be an active clerk."
    ),
    "not_utf8": N_("line %(line)s: not UTF-8 text; the ballot list must be a UTF-8 CSV file"),
    "empty_ballot_list": N_("line 1: the file is empty; expected the header ballot_id,approvals"),
    "ballot_in_batch": N_("Ballot %(position)s of the batch: %(problem)s"),
    "roster_too_large": N_("The roster file is larger than %(megabytes)s MB."),
    "invalid_round_seats": N_("A round of %(projects)s projects cannot fill %(seats)s seats."),
    "row.bad_number": N_("Row %(row)s: %(number)s is not a positive whole number."),
    "row.duplicate_number": N_("Row %(row)s: number %(number)s is also on row %(other)s."),
    "row.empty_name": N_("Row %(row)s: the name is empty."),
    "row.name_too_long": N_("Row %(row)s: the name is longer than %(limit)s characters."),
    "row.number_taken": N_("Row %(row)s: number %(number)s is already on the roster."),
}


class _Lenient(dict[str, Any]):
    """A placeholder with no value is left as written: a message with a gap beats an error about an error."""

    def __missing__(self, key: str) -> str:
        return f"%({key})s"


def worded(
    code: str, params: Mapping[str, Any], gettext: Callable[[str], str] | None = None, *, frame: str | None = None
) -> str:
    """The message of ``code`` with its values, in the language of ``gettext`` (English without one), inside the
    message ``frame`` where one is given (its ``%(problem)s`` the message of ``code``).

    An unknown code is worded as itself, so that a message is never lost for want of a catalog entry
    (the tests hold every raised code to an entry).
    """
    template = MESSAGES.get(code)
    if template is None:
        return code
    text = (gettext(template) if gettext else template) % _Lenient(params)
    return worded(frame, {**params, "problem": text}, gettext) if frame else text
