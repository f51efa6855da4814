"""A rendered API reference, built from the same OpenAPI document (no CDN, no script)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__)

RESPONSE_REF = "#/components/responses/"


def _for_display(spec: dict[str, Any]) -> dict[str, Any]:
    """The document as the template reads it: paths without the prefix it writes, shared responses inlined."""
    prefix = current_app.config["OPENAPI_URL_PREFIX"].rstrip("/")
    shared = spec.get("components", {}).get("responses", {})
    paths = {}
    for path, item in spec["paths"].items():
        item = dict(item)
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                responses = {}
                for status, response in operation["responses"].items():
                    ref = response.get("$ref", "")
                    responses[status] = shared.get(ref.removeprefix(RESPONSE_REF), response) if ref else response
                item[method] = {**operation, "responses": responses}
        paths[path.removeprefix(prefix)] = item
    return {**spec, "paths": paths}


@bp.route("/api/docs")
def docs():  # type: ignore[no-untyped-def]
    """The API reference page."""
    from clubapp.api import api

    return render_template("api/docs.html", spec=_for_display(api.spec.to_dict()))
