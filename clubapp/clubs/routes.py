"""Club views: parse, authorise through services, render."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from clubapp import unit_of_work
from clubapp.clubs import bp
from clubapp.clubs.forms import AcceptForm, ClubForm, InviteForm, JoinForm, MyMembershipForm, NetworkForm, RoleForm
from clubapp.models import Club
from clubapp.services import clubs as club_service
from clubapp.services import membership as membership_service
from clubapp.services import privacy
from clubapp.services.errors import ServiceError
from clubapp.web import checked_post as _checked_post
from clubapp.web import form_error, refused
from clubapp.web import me as _me


def _network_choices(club: Club | None = None) -> list[tuple[str, str]]:
    choices = [("", _("None"))]
    networks = club_service.networks_administered(_me())
    if club is not None and club.network is not None and club.network not in networks:
        networks.append(club.network)
    return choices + [(str(n.id), n.name) for n in networks]


def _invite_link(token: str) -> str:
    return url_for("clubs.accept", token=token, _external=True)



@bp.route("/clubs")
@login_required
def index():  # type: ignore[no-untyped-def]
    """My clubs and public clubs I could join."""
    return render_template("clubs/index.html", mine=club_service.clubs_of(_me()),
                           others=club_service.public_clubs(exclude_user=_me()))


@bp.route("/clubs/new", methods=["GET", "POST"])
@login_required
def create():  # type: ignore[no-untyped-def]
    """Create a club; I become its president."""
    form = ClubForm()
    form.network_id.choices = _network_choices()
    if request.method == "GET":
        form.timezone.data = _me().timezone
        form.network_id.data = request.args.get("network", "")
    if form.validate_on_submit():
        data = {key: form[key].data for key in club_service.CLUB_FIELDS}
        try:
            club = club_service.create_club(_me(), data)
        except ServiceError as error:
            form_error(form, error)
        else:
            flash(_("%(name)s is created. You are its president.", name=club.name), "success")
            return redirect(url_for("clubs.show", club_id=club.id))
    return render_template("clubs/form.html", form=form, club=None)


@bp.route("/clubs/<int:club_id>")
@login_required
def show(club_id: int):  # type: ignore[no-untyped-def]
    """A club's page."""
    club, membership = club_service.get_club(club_id, _me())
    context = {"club": club, "membership": membership, "action_form": FlaskForm()}
    if membership is None:
        context["join_form"] = JoinForm(category=_me().category)
        context["pending"] = membership_service.pending_request(_me(), club)
    else:
        context["my_form"] = MyMembershipForm(category=membership.category, public_listing=membership.public_listing)
        context["member_count"] = len(club.memberships)
        context["officers"] = [m for m in membership_service.members(club) if m.is_officer]
    if membership is not None and membership.is_officer:
        context["requests"] = membership_service.pending_requests(club)
        context["invitations"] = membership_service.pending_invitations(club)
    return render_template("clubs/show.html", **context)


@bp.route("/clubs/<int:club_id>/edit", methods=["GET", "POST"])
@login_required
def edit(club_id: int):  # type: ignore[no-untyped-def]
    """Change a club's settings (officers)."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    form = ClubForm(obj=club)
    form.network_id.choices = _network_choices(club)
    if request.method == "GET":
        form.network_id.data = str(club.network_id or "")
        form.color.data = club.color or ""
    if form.validate_on_submit():
        data = {key: form[key].data for key in club_service.CLUB_FIELDS}
        if str(club.network_id or "") == (data["network_id"] or ""):
            data.pop("network_id")  # unchanged: no admin right needed to keep it
        try:
            club_service.update_club(_me(), club, data)
        except ServiceError as error:
            form_error(form, error)
        else:
            flash(_("The club's settings are saved."), "success")
            return redirect(url_for("clubs.show", club_id=club.id))
    return render_template("clubs/form.html", form=form, club=club)


@bp.route("/clubs/<int:club_id>/members")
@login_required
def members(club_id: int):  # type: ignore[no-untyped-def]
    """The club's member directory."""
    club, membership = club_service.get_club(club_id, _me(), need="member")
    g.personal = True
    people = membership_service.members(club)
    mine = privacy.club_ids_of(_me())
    visible = {m.user_id for m in people if privacy.may_see_contact(_me(), m.user, [m], mine)}
    return render_template("clubs/members.html", club=club, membership=membership, members=people,
                           contact_visible=visible, role_form=RoleForm(), action_form=FlaskForm())


@bp.route("/clubs/<int:club_id>/members/<int:user_id>/role", methods=["POST"])
@login_required
def change_role(club_id: int, user_id: int):  # type: ignore[no-untyped-def]
    """Change a member's role (president)."""
    club, _membership = club_service.get_club(club_id, _me(), need="member")
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = membership_service.update_member(_me(), club, user_id, {"role": form.role.data})
    except ServiceError as error:
        refused(error)
    else:
        flash(_("%(name)s is now %(role)s.", name=changed.user.name, role=dict(form.role.choices)[form.role.data]),
              "success")
    return redirect(url_for("clubs.members", club_id=club.id))


@bp.route("/clubs/<int:club_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(club_id: int, user_id: int):  # type: ignore[no-untyped-def]
    """Remove a member (officers) or leave (myself)."""
    club, _membership = club_service.get_club(club_id, _me(), need="member")
    _checked_post()
    leaving = user_id == _me().id
    try:
        membership_service.remove_member(_me(), club, user_id)
    except ServiceError as error:
        refused(error)
        return redirect(url_for("clubs.show" if leaving else "clubs.members", club_id=club.id))
    if leaving:
        flash(_("You have left %(name)s.", name=club.name), "info")
        return redirect(url_for("main.dashboard"))
    flash(_("The member is removed from the club."), "success")
    return redirect(url_for("clubs.members", club_id=club.id))


@bp.route("/clubs/<int:club_id>/me", methods=["POST"])
@login_required
def my_membership(club_id: int):  # type: ignore[no-untyped-def]
    """Change my category and public listing in this club."""
    club, _membership = club_service.get_club(club_id, _me(), need="member")
    form = MyMembershipForm()
    if not form.validate_on_submit():
        flash(_("Categories have at most 80 characters."), "error")
    else:
        try:
            membership_service.update_member(_me(), club, _me().id, {
                "category": form.category.data, "public_listing": form.public_listing.data})
        except ServiceError as error:
            refused(error)
        else:
            flash(_("Saved."), "success")
    return redirect(url_for("clubs.show", club_id=club.id))


@bp.route("/clubs/<int:club_id>/invite", methods=["GET", "POST"])
@login_required
def invite(club_id: int):  # type: ignore[no-untyped-def]
    """Invite someone by email (officers)."""
    club, membership = club_service.get_club(club_id, _me(), need="officer")
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invited = membership_service.invite(_me(), club, form.email.data, form.role.data, link_for=_invite_link)
        except ServiceError as error:
            form_error(form, error)
        else:
            _say_if_mailed(invited)
            return redirect(url_for("clubs.show", club_id=club.id, _anchor="invitations"))
    return render_template("clubs/invite.html", club=club, form=form, membership=membership)


def _say_if_mailed(invited: membership_service.Invited) -> None:
    """Commit, then tell the officer the invitation went out, or that it is saved and can be sent again."""
    unit_of_work.commit()  # the email goes after the commit: its outcome is known only then
    email = invited.invitation.email
    if invited.mailed:
        flash(_("Invitation sent to %(email)s.", email=email), "success")
    else:
        flash(_("The invitation to %(email)s is saved, but the email could not be sent. Use \u201cSend again\u201d "
                "in the invitations waiting for an answer.", email=email), "warning")


@bp.route("/clubs/<int:club_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@login_required
def resend_invitation(club_id: int, invitation_id: int):  # type: ignore[no-untyped-def]
    """Send a pending invitation again, with a new link (officers)."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    _checked_post()
    _say_if_mailed(membership_service.resend_invitation(_me(), club, invitation_id, link_for=_invite_link))
    return redirect(url_for("clubs.show", club_id=club.id, _anchor="invitations"))


@bp.route("/clubs/<int:club_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(club_id: int, invitation_id: int):  # type: ignore[no-untyped-def]
    """Withdraw an invitation (officers)."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    _checked_post()
    membership_service.revoke_invitation(_me(), club, invitation_id)
    flash(_("Invitation withdrawn."), "info")
    return redirect(url_for("clubs.show", club_id=club.id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept(token: str):  # type: ignore[no-untyped-def]
    """Accept an invitation, choosing my category."""
    g.personal = True
    try:
        invitation = membership_service.invitation_for_user(_me(), token)
    except ServiceError as error:
        return render_template("error.html", status=error.status, message=str(error.message)), error.status
    form = AcceptForm(category=_me().category)
    if form.validate_on_submit():
        try:
            membership_service.accept_invitation(_me(), token, form.category.data)
        except ServiceError as error:
            form_error(form, error, default="category")
        else:
            flash(_("Welcome to %(club)s!", club=invitation.club.name), "success")
            return redirect(url_for("clubs.show", club_id=invitation.club_id))
    return render_template("clubs/accept.html", invitation=invitation, form=form)


@bp.route("/clubs/<int:club_id>/join", methods=["POST"])
@login_required
def join(club_id: int):  # type: ignore[no-untyped-def]
    """Ask to join a public club."""
    club, _membership = club_service.get_club(club_id, _me())
    form = JoinForm()
    if not form.validate_on_submit():
        flash(_("Categories have at most 80 characters and messages 1000."), "error")
    else:
        try:
            membership_service.request_to_join(_me(), club, form.category.data, form.message.data)
        except ServiceError as error:
            refused(error)
        else:
            flash(_("Your request is sent to the officers of %(club)s.", club=club.name), "success")
    return redirect(url_for("clubs.show", club_id=club.id))


@bp.route("/clubs/<int:club_id>/requests/<int:request_id>/<any(approve, refuse):decision>", methods=["POST"])
@login_required
def decide(club_id: int, request_id: int, decision: str):  # type: ignore[no-untyped-def]
    """Approve or refuse a join request (officers)."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    _checked_post()
    try:
        join = membership_service.decide_request(_me(), club, request_id, approve=decision == "approve")
    except ServiceError as error:
        refused(error)
    else:
        if decision == "approve":
            flash(_("%(name)s is now a member.", name=join.user.name), "success")
        else:
            flash(_("The request of %(name)s is refused.", name=join.user.name), "info")
    return redirect(url_for("clubs.show", club_id=club.id))


@bp.route("/directory")
@login_required
def directory():  # type: ignore[no-untyped-def]
    """Search the members of public clubs and of my clubs."""
    query = request.args.get("q", "").strip()[:100]
    city = request.args.get("city", "").strip()[:80]
    results = membership_service.search_directory(_me(), query, city)
    return render_template("clubs/directory.html", query=query, city=city, results=results,
                           searched=bool(query or city))


@bp.route("/networks/new", methods=["GET", "POST"])
@login_required
def create_network():  # type: ignore[no-untyped-def]
    """Create a network of clubs; I become its admin."""
    form = NetworkForm()
    if form.validate_on_submit():
        try:
            network = club_service.create_network(_me(), form.name.data, form.description.data)
        except ServiceError as error:
            form_error(form, error)
        else:
            flash(_("The network %(name)s is created. You can now create its clubs.", name=network.name), "success")
            return redirect(url_for("clubs.create", network=network.id))
    return render_template("clubs/network_form.html", form=form)


@bp.route("/c/<slug>/listing")
def club_listing(slug: str):  # type: ignore[no-untyped-def]
    """A club's public business listing: only members who opted in; no account needed."""
    club = club_service.get_listed_club(slug)
    return render_template("clubs/listing.html", title=club.name, description=club.description,
                           entries=membership_service.public_listing(club=club), show_club=False)


@bp.route("/n/<slug>/listing")
def network_listing(slug: str):  # type: ignore[no-untyped-def]
    """A network's public business listing across its clubs."""
    network = club_service.get_network_by_slug(slug)
    return render_template("clubs/listing.html", title=network.name, description=network.description,
                           entries=membership_service.public_listing(network=network), show_club=True)
