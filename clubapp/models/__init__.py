"""SQLAlchemy 2.0 typed models, one module per aggregate."""
from clubapp.models.attendance import PALMS, AttendanceRecord, Rsvp, Visitor
from clubapp.models.audit import AuditEntry
from clubapp.models.club import Club, Invitation, JoinRequest, Membership, Network, NetworkAdmin, Role
from clubapp.models.meeting import Closure, MeetingSeries, OccurrenceOverride, SeriesVersion
from clubapp.models.referral import REFERRAL_STATUSES, OneToOne, Referral, ReferralEvent
from clubapp.models.user import ApiToken, User

__all__ = [
    "PALMS",
    "REFERRAL_STATUSES",
    "ApiToken",
    "AttendanceRecord",
    "AuditEntry",
    "Closure",
    "Club",
    "Invitation",
    "JoinRequest",
    "MeetingSeries",
    "Membership",
    "Network",
    "NetworkAdmin",
    "OccurrenceOverride",
    "OneToOne",
    "Referral",
    "ReferralEvent",
    "Role",
    "Rsvp",
    "SeriesVersion",
    "User",
    "Visitor",
]
