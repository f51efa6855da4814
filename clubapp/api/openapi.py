"""What the OpenAPI document says beyond the schemas: operation ids, links between operations, empty PATCHes.

Links let a client (or a test generator such as schemathesis) follow the API as a person would: the id in
the answer to "create a series" names the series to read; a meeting listed by a club names the meeting to
answer, check in to or cancel.
"""
from __future__ import annotations

from typing import Any

from apispec import BasePlugin

from clubapp.api.schemas import Patch

MEETING_OPERATIONS = ("meetings_get_meeting", "meetings_update_meeting", "meetings_meeting_ics",
                      "attendance_put_rsvp", "attendance_delete_rsvp", "attendance_list_rsvps",
                      "attendance_check_in", "attendance_list_attendance", "attendance_invite_visitor")
CLUB_OPERATIONS = ("clubs_get_club", "clubs_update_club", "clubs_members", "clubs_invite",
                   "meetings_create_series", "meetings_club_meetings", "meetings_create_closure",
                   "attendance_palms_report", "referrals_scorecards", "referrals_export")


def _to(operations: tuple[str, ...], **parameters: str) -> dict[str, dict[str, Any]]:
    return {operation_id: {"operationId": operation_id, "parameters": parameters} for operation_id in operations}


# (operation id, status) -> the operations its answer leads to, with where their parameters come from.
LINKS: dict[tuple[str, int], dict[str, dict[str, Any]]] = {
    ("accounts_create_token", 201): _to(("accounts_revoke_token",), token_id="$response.body#/id"),
    ("clubs_create_club", 201): _to(CLUB_OPERATIONS, club_id="$response.body#/id"),
    ("clubs_get_club", 200): _to(CLUB_OPERATIONS, club_id="$response.body#/id"),
    ("clubs_list_clubs", 200): _to(CLUB_OPERATIONS, club_id="$response.body#/items/0/id"),
    ("clubs_invite", 201): _to(("clubs_accept",), token="$response.body#/token"),
    ("clubs_members", 200): _to(("clubs_update_member", "clubs_remove_member"), club_id="$request.path.club_id",
                                user_id="$response.body#/0/user_id"),
    ("meetings_create_series", 201): {
        **_to(("meetings_get_series", "meetings_update_series"), series_id="$response.body#/id"),
        **_to(("meetings_club_meetings",), club_id="$response.body#/club_id")},
    ("meetings_get_series", 200): _to(("meetings_update_series",), series_id="$response.body#/id"),
    ("meetings_club_meetings", 200): _to(MEETING_OPERATIONS, meeting_id="$response.body#/items/0/id"),
    ("meetings_get_meeting", 200): {
        **_to(MEETING_OPERATIONS[1:], meeting_id="$response.body#/id"),
        **_to(("meetings_get_series",), series_id="$response.body#/series_id")},
    ("meetings_update_meeting", 200): _to(MEETING_OPERATIONS[:1], meeting_id="$response.body#/id"),
    ("meetings_create_closure", 201): _to(("meetings_delete_closure",), club_id="$response.body#/club_id",
                                          closure_id="$response.body#/id"),
    ("referrals_give", 201): _to(("referrals_get_referral", "referrals_follow_up"),
                                 referral_id="$response.body#/id"),
    ("referrals_list_referrals", 200): _to(("referrals_get_referral", "referrals_follow_up"),
                                           referral_id="$response.body#/items/0/id"),
}


def operation_id(endpoint: str) -> str:
    """``api_meetings.get_series`` -> ``meetings_get_series``: unique, stable, readable."""
    return endpoint.removeprefix("api_").replace(".", "_")


class ClubappDocPlugin(BasePlugin):
    """An apispec plugin: operation ids and links on every operation, ``minProperties`` on PATCH bodies."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            operation["operationId"] = name = operation_id(rule.endpoint)
            for status, response in operation.get("responses", {}).items():
                links = LINKS.get((name, int(status))) if str(status).isdigit() else None
                if links and isinstance(response, dict) and "$ref" not in response:
                    response["links"] = links

    def schema_helper(self, name: str, definition: dict, **kwargs: Any) -> dict | None:
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        if isinstance(schema_class, type) and issubclass(schema_class, Patch):
            return {"minProperties": 1}
        return None
