"""The sitting's time zone, for the pages: they show every time on the sitting's clock (static/js/clock.js),
whatever the zone of the browser that shows them (DESIGN section 7)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from voting.web import time_zone
from voting.web.api.access import public
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import TimeZoneSchema
from voting.web.loop import on_event_loop

blp = Blueprint("clock", __name__, url_prefix="/api/v1/time-zone", description="The sitting's time zone")


@blp.route("")
@on_event_loop
class TimeZone(MethodView):
    @blp.response(200, TimeZoneSchema)
    @public
    def get(self) -> dict[str, Any]:
        """The IANA name of the sitting's zone (``VOTING_TIME_ZONE``, Asia/Shanghai by default); public."""
        return {"time_zone": time_zone(current_app)}
