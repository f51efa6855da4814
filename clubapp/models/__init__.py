"""SQLAlchemy 2.0 typed models, one module per aggregate."""
from clubapp.models.club import Club, Invitation, JoinRequest, Membership, Network, NetworkAdmin, Role
from clubapp.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Club",
    "Invitation",
    "JoinRequest",
    "Membership",
    "Network",
    "NetworkAdmin",
    "Role",
    "User",
]
