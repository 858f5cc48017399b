"""The verification bundle for download: one ZIP to recount a vote and check its log anywhere.

Staff only (any role: a scrutineer, the auditors' role, exports too), even
after publication: the bundle carries the audit log, which records who checked
in and who was given which kind of ballot, and other votes' counts.  The
public recounts from what publication makes public: the ballot lists
(``rounds.py``) and the published result.  Before publication the bundle is
marked UNOFFICIAL in its file name and its VERIFY.md.
"""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView

from voting.domain.lifecycle import VoteState
from voting.exports.bundle_format import bundle_file_name
from voting.services.bundles import write_bundle
from voting.services.records import get_vote
from voting.web import reading, time_zone
from voting.web.api.access import READERS, staff
from voting.web.api.parsing import Blueprint

blp = Blueprint(
    "bundles",
    __name__,
    url_prefix="/api/v1/votes",
    description="The verification bundle (核验包): recount and verify a vote with no server and no database",
)

ZIP = "application/zip"


@blp.route("/<int:vote_id>/bundle.zip")
class Bundle(MethodView):
    @blp.doc(responses={"200": {"content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.response(200, content_type=ZIP)
    @staff(READERS)
    def get(self, vote_id: int) -> Response:
        """The ballot lists, the audit log, the tally sheets and VERIFY.md, for ``voting verify-bundle``.

        Staff only; marked UNOFFICIAL before publication.
        """
        with reading() as db:
            vote = get_vote(db, vote_id)
            published = vote.state == VoteState.PUBLISHED
            data = write_bundle(db, vote_id, time_zone=time_zone(current_app))
            name = bundle_file_name(vote_id, training=vote.training, official=published)
        return Response(data, mimetype=ZIP, headers={"Content-Disposition": f'attachment; filename="{name}"'})
