"""The bundle's manifest: what a recount needs, read from what is stored (``manifest.json``).

The rules, each counted round's attendance and stored result with its ballot
list's hashes, and the published record and its hashes; with it, the ballot
lists and the tally sheet.  Publication renders its fixed files from these
(``voting.services.official``), and every bundle carries them
(``voting.services.bundles``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from voting import __version__
from voting.domain.lifecycle import RoundState, VoteState
from voting.exports.bundle_format import FORMAT, ballots_file, line_hashes, sha256
from voting.exports.sheet import TallySheet
from voting.services import publication
from voting.services.errors import Conflict
from voting.services.records import get_vote, rules_of
from voting.services.reports import tally_sheet
from voting.services.rounds import rounds_of
from voting.services.votes import candidates_of


# long: the manifest is one literal, laid out as the bundle format (bundle_format.py) reads it
def bundle_manifest(
    session: Session, vote_id: int, *, time_zone: str
) -> tuple[dict[str, Any], list[tuple[str, bytes]], TallySheet]:
    """What a recount needs, from what is stored: the manifest (without ``audit`` and ``files``), the ballot lists,
    and the sheet, whose forms print times in ``time_zone``, the sitting's.

    Raises ``Conflict`` (no_counted_round) while no round of the vote has been counted.
    """
    vote = get_vote(session, vote_id)
    counted = [r for r in rounds_of(session, vote_id) if r.state == RoundState.COUNTED]
    if not counted:
        raise Conflict("no_counted_round")
    published = vote.state == VoteState.PUBLISHED
    sheet = tally_sheet(session, vote_id, time_zone=time_zone)
    result = publication.vote_result(session, vote)
    assert result is not None
    lists = [(ballots_file(r.number), publication.ballot_list(session, r).encode("utf-8")) for r in counted]
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "made_by": f"voting {__version__}",
        "vote": {
            "id": vote_id,
            "title_zh": vote.title_zh,
            "title_en": vote.title_en,
            "training": vote.training,
            "state": vote.state,
            "official": published,
            "marks_zh": sheet.marks("zh"),
            "marks_en": sheet.marks("en"),
            "meeting_zh": sheet.meeting_zh,
            "date": sheet.date.isoformat(),
        },
        "rules": rules_of(vote).to_dict(),
        "projects": [c.number for c in candidates_of(session, vote_id)],
        "rounds": [
            {
                "number": r.number,
                "kind": r.kind,
                "seats": r.seats,
                "projects": list(r.projects),
                "deputy_count": r.deputy_count,
                "deputies_present": r.deputies_present,
                "ballots_issued": r.ballots_issued,
                "result": r.result,
                "ballots_file": name,
                "ballots_sha256": sha256(data),
                "ballot_lines": line_hashes(data),
                "audit_head_at_close": r.audit_head_at_close,
            }
            for r, (name, data) in zip(counted, lists, strict=True)
        ],
        "selected": list(result.selected),
        "vacant": result.vacant,
        "decided": result.decided,
        "published": {
            "at": vote.published_at.isoformat() if vote.published_at else None,
            "record": publication.published_record(session, vote),
            "result_digest": vote.result_digest,
            "ballots_digest": vote.ballots_digest,
            "audit_head_at_publication": vote.audit_head_at_publication,
        }
        if published
        else None,
    }
    return manifest, lists, sheet
