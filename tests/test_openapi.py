"""The OpenAPI 3 document at /api/v1/openapi.json: valid, complete, and true to what the server does."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, validate

from clubapp.core import limits
from clubapp.core.bounds import FIRST_DAY, LAST_DAY
from tests import factories
from tests.conftest import bearer
from tests.test_api_accounts import fresh_reads  # noqa: F401  (an autouse fixture)

API_PREFIX = "/api/v1"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC_OPERATIONS = {("post", "/api/v1/users"), ("post", "/api/v1/tokens")}
CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "API.md"
CONTRACT_SECTIONS = ("Accounts and tokens", "Clubs and membership")


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def openapi_path(rule: str) -> str:
    """Flask's ``/clubs/<int:club_id>`` as OpenAPI's ``/clubs/{club_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def api_rules(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, OpenAPI path) of every /api/v1 route but the document itself."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/") or rule.endpoint == "api-docs.openapi_json":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((method.lower(), openapi_path(rule.rule)))
    return sorted(out)


def operations(spec: dict[str, Any]):  # type: ignore[no-untyped-def]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """``node`` with every local ``$ref`` replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(spec, target)
        return {key: resolve(spec, value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(spec, value) for value in node]
    return node


def response_schema(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    response = resolve(spec, spec["paths"][path][method]["responses"][str(status)])
    return response["content"]["application/json"]["schema"]


def assert_matches(spec: dict[str, Any], method: str, path: str, response) -> None:  # type: ignore[no-untyped-def]
    """The answer's body is valid against the schema the document gives for its status."""
    schema = response_schema(spec, method, path, response.status_code)
    OAS30Validator(schema).validate(response.get_json())


def test_document_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec, cls=OpenAPIV30SpecValidator)
    assert spec["info"]["title"] and spec["info"]["version"] == "v1"


def test_document_lists_every_api_route_and_nothing_else(app, spec):
    documented = sorted((method, path) for method, path, _op in operations(spec))
    assert documented == api_rules(app)


def test_every_path_parameter_is_documented(spec):
    for path, item in spec["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for method in (m for m in item if m in HTTP_METHODS):
            declared_here = declared | {p["name"] for p in item[method].get("parameters", []) if p["in"] == "path"}
            assert declared_here == set(re.findall(r"{([^}]+)}", path)), (method, path)


def test_bearer_security_is_documented(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"bearerAuth": []}]
    for method, path, operation in operations(spec):
        if (method, path) in PUBLIC_OPERATIONS:
            assert operation["security"] == [], (method, path)
        else:
            assert "security" not in operation or operation["security"] == [{"bearerAuth": []}], (method, path)
            assert "401" in operation["responses"], f"{method} {path} does not document its 401"


def test_public_operations_really_need_no_token_and_others_do(client, spec):
    for method, path, _operation in operations(spec):
        url = re.sub(r"{[^}]+}", "1", path)
        response = client.open(url, method=method.upper(), json={})
        if (method, path) in PUBLIC_OPERATIONS:
            assert response.status_code == 422, (method, path)  # validated, not refused
        else:
            assert response.status_code == 401, (method, path)


def test_error_responses_use_the_api_error_format(spec):
    error = resolve(spec, spec["components"]["schemas"]["Error"])
    assert set(error["properties"]) == {"error"}
    assert set(error["properties"]["error"]["properties"]) == {"code", "message", "fields"}
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400:
                schema = resolve(spec, response)["content"]["application/json"]["schema"]
                assert schema == error, f"{method} {path} {status} documents another error format"


def test_request_bodies_say_what_is_required(spec):
    signup = resolve(spec, spec["paths"]["/api/v1/users"]["post"]["requestBody"])["content"]["application/json"]
    assert set(signup["schema"]["required"]) == {"email", "password", "name"}
    assert signup["schema"]["properties"]["name"]["maxLength"] == 120
    assert signup["schema"]["properties"]["locale"]["enum"] == ["fr", "en"]
    club = resolve(spec, spec["paths"]["/api/v1/clubs"]["post"]["requestBody"])["content"]["application/json"]
    assert set(club["schema"]["required"]) == {"name", "timezone"}
    assert club["schema"]["properties"]["visibility"]["enum"] == ["public", "private"]
    patch = resolve(spec, spec["paths"]["/api/v1/clubs/{club_id}/members/{user_id}"]["patch"]["requestBody"])
    assert patch["content"]["application/json"]["schema"]["properties"]["role"]["enum"] == [
        "president", "vice_president", "secretary", "member"]


def _contract_operations() -> list[tuple[str, str]]:
    text = CONTRACT.read_text(encoding="utf-8")
    found = []
    for section in CONTRACT_SECTIONS:
        body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
        for method, path in re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) (/api/v1/\S+) \|", body, flags=re.M):
            found.append((method.lower(), path))
    return found


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/API.md is not beside the repository")
def test_document_has_every_operation_of_the_contract(spec):
    contract = _contract_operations()
    assert len(contract) >= 17
    # Parameter names are the document's to choose ({id} in the contract, {token_id} here).
    documented = {(method, re.sub(r"{[^}]+}", "{}", path)) for method, path, _op in operations(spec)}
    assert [op for op in contract if (op[0], re.sub(r"{[^}]+}", "{}", op[1])) not in documented] == []


def test_answers_match_the_documented_schemas(client, db, spec):
    """Real answers validate against the document (its schemas forbid undocumented fields)."""
    response = client.post("/api/v1/users", json={"email": "doc@example.fr", "password": "a long enough password",
                                                  "name": "Doc"})
    assert response.status_code == 201
    assert_matches(spec, "post", "/api/v1/users", response)
    response = client.post("/api/v1/tokens", json={"email": "doc@example.fr", "password": "a long enough password"})
    assert response.status_code == 201
    assert_matches(spec, "post", "/api/v1/tokens", response)
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    for method, path, status in [("get", "/api/v1/me", 200), ("patch", "/api/v1/me", 200)]:
        response = client.open(path, method=method.upper(), headers=headers, json={"bio": "Hello"})
        assert response.status_code == status
        assert_matches(spec, method, path, response)
    response = client.post("/api/v1/me/feed-token", headers=headers)
    assert_matches(spec, "post", "/api/v1/me/feed-token", response)

    response = client.post("/api/v1/clubs", headers=headers, json={"name": "Doc club", "timezone": "Europe/Paris"})
    assert response.status_code == 201
    assert_matches(spec, "post", "/api/v1/clubs", response)
    club_id = response.get_json()["id"]
    for template in ("/api/v1/clubs", "/api/v1/clubs/{club_id}", "/api/v1/clubs/{club_id}/members"):
        response = client.get(template.format(club_id=club_id), headers=headers)
        assert response.status_code == 200
        assert_matches(spec, "get", template, response)
    response = client.post(f"/api/v1/clubs/{club_id}/invitations", headers=headers, json={"email": "n@example.fr"})
    assert response.status_code == 201
    assert_matches(spec, "post", "/api/v1/clubs/{club_id}/invitations", response)
    newcomer = factories.UserFactory(email="n@example.fr")
    response = client.post(f"/api/v1/invitations/{response.get_json()['token']}/accept", headers=bearer(newcomer),
                           json={})
    assert response.status_code == 200
    assert_matches(spec, "post", "/api/v1/invitations/{token}/accept", response)


def test_error_answers_match_the_documented_schemas(client, db, spec, user):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert_matches(spec, "get", "/api/v1/me", response)
    response = client.post("/api/v1/users", json={"email": user.email, "password": "a long enough password",
                                                  "name": "Dup"})
    assert response.status_code == 409
    assert_matches(spec, "post", "/api/v1/users", response)
    response = client.post("/api/v1/users", json={"email": "x@example.fr"})
    assert response.status_code == 422
    assert_matches(spec, "post", "/api/v1/users", response)
    response = client.get("/api/v1/clubs/999999", headers=bearer(user))
    assert response.status_code == 404
    assert_matches(spec, "get", "/api/v1/clubs/{club_id}", response)


def test_docs_page_renders_every_path(client, app, spec):
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for method, path in api_rules(app):
        assert f"<code>{path}</code>" in html, path
    assert "/api/v1/api/v1" not in html
    assert 'href="/api/v1/openapi.json"' in html
    assert "No token needed." in html and "Default error response" in html and "Unauthorized" in html
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    assert all(src.startswith("/static/") for src in scripts), scripts  # nothing from a CDN
    assert "<script>" not in html  # no inline script (the CSP forbids it anyway)


def test_observed_club_errors_are_documented(client, db, spec, user):
    """Each refusal the clubs API gives is listed, with the error format, on its operation."""
    club = factories.club_with(president=user, members=1)
    member = club.memberships[1].user
    public = factories.club_with(visibility="public")
    token = client.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(user),
                        json={"email": "guest@example.fr"}).get_json()["token"]
    observed = [
        ("patch", "/api/v1/clubs/{club_id}", f"/api/v1/clubs/{club.id}", bearer(member), {"name": "X"}, 403),
        ("post", "/api/v1/clubs/{club_id}/invitations", f"/api/v1/clubs/{club.id}/invitations", bearer(member),
         {"email": "a@example.fr"}, 403),
        ("get", "/api/v1/clubs/{club_id}/members", f"/api/v1/clubs/{public.id}/members", bearer(user), None, 403),
        ("get", "/api/v1/clubs/{club_id}/members", f"/api/v1/clubs/{club.id}/members",
         bearer(public.memberships[0].user), None, 404),
        ("patch", "/api/v1/clubs/{club_id}/members/{user_id}", f"/api/v1/clubs/{club.id}/members/{user.id}",
         bearer(user), {"role": "member"}, 409),
        ("patch", "/api/v1/clubs/{club_id}/members/{user_id}", f"/api/v1/clubs/{club.id}/members/{user.id}",
         bearer(member), {"role": "member"}, 403),
        ("delete", "/api/v1/clubs/{club_id}/members/{user_id}", f"/api/v1/clubs/{club.id}/members/{user.id}",
         bearer(user), None, 409),
        ("delete", "/api/v1/clubs/{club_id}/members/{user_id}", f"/api/v1/clubs/{club.id}/members/{user.id}",
         bearer(member), None, 403),
        ("post", "/api/v1/invitations/{token}/accept", f"/api/v1/invitations/{token}/accept", bearer(member), {},
         403),
        ("post", "/api/v1/invitations/{token}/accept", "/api/v1/invitations/nope/accept", bearer(member), {}, 404),
    ]
    for method, template, url, headers, body, status in observed:
        response = client.open(url, method=method.upper(), headers=headers, json=body)
        assert response.status_code == status, (method, url, response.get_data(as_text=True))
        assert str(status) in spec["paths"][template][method]["responses"], f"{method} {template} {status}"
        assert_matches(spec, method, template, response)


# Precision: what the document declares is what the services enforce (issue 9, "OpenAPI precision").

def request_schema(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    body = resolve(spec, spec["paths"][path][method]["requestBody"])
    return body["content"]["application/json"]["schema"]


def request_schemas(spec: dict[str, Any]):  # type: ignore[no-untyped-def]
    for method, path, operation in operations(spec):
        if "requestBody" in operation:
            yield method, path, request_schema(spec, method, path)
        for parameter in resolve(spec, operation.get("parameters", [])):
            if parameter["in"] == "query":
                yield method, path, {"properties": {parameter["name"]: parameter["schema"]}}


def test_every_request_string_is_bounded_and_every_date_lies_in_the_window(spec):
    from clubapp.api.schemas import DATE_PATTERN

    for method, path, schema in request_schemas(spec):
        for name, prop in schema.get("properties", {}).items():
            where = (method, path, name)
            if prop.get("format") == "date":
                assert prop["pattern"] == DATE_PATTERN and prop["x-minimum"] == FIRST_DAY.isoformat(), where
                assert prop["x-maximum"] == LAST_DAY.isoformat(), where
            elif prop.get("type") == "string" and "enum" not in prop:
                assert "maxLength" in prop or "pattern" in prop, where
                if "maxLength" in prop and name != "password":
                    assert re.search(prop["pattern"], "\x00") is None, where  # NUL is refused everywhere


@pytest.mark.parametrize(("path", "method", "field", "limit"), [
    ("/api/v1/clubs/{club_id}/series", "post", "title", limits.MEETING_TITLE),
    ("/api/v1/clubs/{club_id}/series", "post", "venue", limits.VENUE),
    ("/api/v1/clubs/{club_id}/series", "post", "description", limits.MEETING_DESCRIPTION),
    ("/api/v1/clubs/{club_id}/closures", "post", "reason", limits.CLOSURE_REASON),
    ("/api/v1/meetings/{meeting_id}", "patch", "title", limits.MEETING_TITLE),
    ("/api/v1/clubs", "post", "name", limits.NAME),
    ("/api/v1/me", "patch", "bio", limits.BIO),
    ("/api/v1/me", "patch", "website", limits.WEBSITE),
    ("/api/v1/referrals", "post", "description", limits.REFERRAL_DESCRIPTION),
    ("/api/v1/one-to-ones", "post", "notes", limits.ONE_TO_ONE_NOTES),
    ("/api/v1/meetings/{meeting_id}/rsvp", "put", "comment", limits.RSVP_COMMENT),
    ("/api/v1/meetings/{meeting_id}/attendance/{user_id}", "put", "note", limits.ATTENDANCE_NOTE),
    ("/api/v1/tokens", "post", "label", limits.TOKEN_LABEL),
])
def test_declared_lengths_are_the_services_limits(spec, path, method, field, limit):
    assert request_schema(spec, method, path)["properties"][field]["maxLength"] == limit


def test_series_limits_hold_on_both_sides_of_the_declared_value(client, db, user, spec):
    club = factories.club_with(president=user)
    schema = request_schema(spec, "post", "/api/v1/clubs/{club_id}/series")
    start = datetime.now(UTC).date() + timedelta(days=7)
    base = {"start_date": start.isoformat(), "start_time": "07:30", "duration_minutes": 60}
    for field, limit in (("title", schema["properties"]["title"]["maxLength"]),
                         ("venue", schema["properties"]["venue"]["maxLength"])):
        body = {"title": "T", **base, field: "x" * limit}
        assert client.post(f"/api/v1/clubs/{club.id}/series", headers=bearer(user), json=body).status_code == 201
        body[field] = "x" * (limit + 1)
        response = client.post(f"/api/v1/clubs/{club.id}/series", headers=bearer(user), json=body)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], field
    top = schema["properties"]["duration_minutes"]["maximum"]
    for duration, status in ((top, 201), (top + 1, 422), (schema["properties"]["duration_minutes"]["minimum"], 201),
                             (0, 422)):
        body = {"title": "T", **base, "duration_minutes": duration}
        response = client.post(f"/api/v1/clubs/{club.id}/series", headers=bearer(user), json=body)
        assert response.status_code == status, (duration, response.get_json())


def test_single_line_patterns_refuse_line_breaks_and_multiline_ones_do_not(spec):
    series = request_schema(spec, "post", "/api/v1/clubs/{club_id}/series")["properties"]
    for field in ("title", "venue", "video_url", "rrule"):
        for mark in ("\r", "\n", "\u2028"):
            assert re.search(series[field]["pattern"], f"a{mark}b") is None, (field, mark)
    assert re.search(series["title"]["pattern"], "Weekly chapter")
    assert re.search(series["title"]["pattern"], "   ") is None  # a required title is not blank
    assert re.search(series["description"]["pattern"], "two\nlines")
    assert re.search(series["video_url"]["pattern"], "https://meet.jit.si/room")
    assert re.search(series["video_url"]["pattern"], "http://meet.jit.si/room") is None


def test_date_pattern_accepts_exactly_the_window_years():
    from clubapp.api.schemas import DATE_PATTERN, INSTANT_PATTERN, year_pattern

    for year in range(1, 10000):
        inside = FIRST_DAY.year <= year <= LAST_DAY.year
        assert bool(re.fullmatch(year_pattern(FIRST_DAY.year, LAST_DAY.year), f"{year:04d}")) is inside, year
    assert re.search(DATE_PATTERN, f"{FIRST_DAY.year}-01-01") and re.search(DATE_PATTERN, f"{LAST_DAY.year}-12-28")
    assert re.search(DATE_PATTERN, "9999-12-31") is None and re.search(DATE_PATTERN, "0001-01-01") is None
    assert re.search(INSTANT_PATTERN, "2026-11-26T07:30:00+01:00") and re.search(INSTANT_PATTERN, "2026-11-26T07:30Z")
    assert re.search(INSTANT_PATTERN, "9999-11-26T07:30:00+01:00") is None


def test_every_generated_date_of_the_pattern_is_accepted_by_the_services():
    from clubapp.api.schemas import DATE_PATTERN
    from clubapp.services import checks

    for year in (FIRST_DAY.year, 2026, LAST_DAY.year):
        for month in range(1, 13):
            for day in (1, 28):
                text = f"{year}-{month:02d}-{day:02d}"
                assert re.search(DATE_PATTERN, text)
                assert checks.day(text, "d").isoformat() == text


PATCHES = [
    ("/api/v1/me", "/api/v1/me"),
    ("/api/v1/clubs/{club_id}", "/api/v1/clubs/{club}"),
    ("/api/v1/clubs/{club_id}/members/{user_id}", "/api/v1/clubs/{club}/members/{member}"),
    ("/api/v1/series/{series_id}", "/api/v1/series/{series}"),
    ("/api/v1/meetings/{meeting_id}", "/api/v1/meetings/{meeting}"),
    ("/api/v1/referrals/{referral_id}", "/api/v1/referrals/{referral}"),
]


def test_every_patch_operation_is_listed_here(spec):
    assert sorted(path for method, path, _op in operations(spec) if method == "patch") == sorted(p for p, _u in PATCHES)


@pytest.mark.parametrize(("template", "url"), PATCHES)
@pytest.mark.parametrize("body", [{}, {"id": "1", "unknown": "x"}])
def test_an_empty_patch_is_refused_with_422(client, db, user, spec, template, url, body):
    from clubapp.services import meetings, referrals

    club = factories.club_with(president=user, members=1)
    member = club.memberships[1].user
    start = datetime.now(UTC).date() + timedelta(days=7)
    series = meetings.create_series(user, club, {"title": "T", "start_date": start, "start_time": "07:30",
                                                 "duration_minutes": 60})
    referral = referrals.give(member, {"club_id": str(club.id), "to_user_id": str(user.id), "prospect_name": "Ada",
                                       "description": "Needs", "temperature": 2})
    target = url.format(club=club.id, member=member.id, series=series.id,
                        meeting=meetings.occurrence_id(series.id, start), referral=referral.id)
    response = client.patch(target, headers=bearer(user), json=body)
    assert response.status_code == 422, response.get_json()
    assert_matches(spec, "patch", template, response)
    if template != "/api/v1/referrals/{referral_id}":  # its status is required: a field error says so
        assert response.get_json()["error"]["code"] == "nothing_to_change"
        schema = resolve(spec, spec["components"]["schemas"][
            spec["paths"][template]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .rsplit("/", 1)[1]])
        assert schema["minProperties"] == 1


def test_links_lead_to_existing_operations_with_their_path_parameters(spec):
    by_id = {operation["operationId"]: (path, method) for method, path, operation in operations(spec)}
    assert len(by_id) == len(list(operations(spec)))  # operation ids are unique
    links = 0
    for _method, _path, operation in operations(spec):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                path, _target_method = by_id[link["operationId"]]
                assert set(link["parameters"]) == set(re.findall(r"{([^}]+)}", path)), link
                assert all(v.startswith(("$response.body#/", "$request.path.")) for v in link["parameters"].values())
                links += 1
    assert links >= 30
    listed = spec["paths"]["/api/v1/clubs/{club_id}/meetings"]["get"]["responses"]["200"]["links"]
    assert listed["meetings_get_meeting"]["parameters"] == {"meeting_id": "$response.body#/items/0/id"}
    created = spec["paths"]["/api/v1/clubs/{club_id}/series"]["post"]["responses"]["201"]["links"]
    assert created["meetings_get_series"]["parameters"] == {"series_id": "$response.body#/id"}


def test_link_expressions_resolve_in_real_answers(client, db, user):
    club = factories.club_with(president=user)
    start = datetime.now(UTC).date() + timedelta(days=7)
    created = client.post(f"/api/v1/clubs/{club.id}/series", headers=bearer(user), json={
        "title": "T", "start_date": start.isoformat(), "start_time": "07:30", "duration_minutes": 60}).get_json()
    assert client.get(f"/api/v1/series/{created['id']}", headers=bearer(user)).status_code == 200
    listed = client.get(f"/api/v1/clubs/{created['club_id']}/meetings?from={start.isoformat()}",
                        headers=bearer(user)).get_json()
    assert client.get(f"/api/v1/meetings/{listed['items'][0]['id']}", headers=bearer(user)).status_code == 200
