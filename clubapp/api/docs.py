"""A rendered API reference, built from the same OpenAPI document (no CDN, no script)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


@bp.route("/api/docs")
def docs():  # type: ignore[no-untyped-def]
    """The API reference page."""
    from clubapp.api import api

    spec = api.spec.to_dict()
    return render_template("api/docs.html", spec=spec)
