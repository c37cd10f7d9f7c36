"""The organization the credentials belong to."""

from __future__ import annotations

from ..core.models import Organization
from .base import MollieClient


class OrganizationsClient(MollieClient):
    prefers_organization_token = True

    def get_current(self) -> Organization:
        return self._get(Organization, "/organizations/me")

    def get(self, organization_id: str) -> Organization:
        return self._get(Organization, "/organizations/{id}", id=organization_id)
