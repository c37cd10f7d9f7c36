"""Adopting a Mollie account an association already has: one resumable, idempotent first sync.

`adopt_account(...)` (adopt.py) reads the account's customers, mandates, subscriptions, payments,
chargebacks and settlements; customers are matched to the association's members by the rule in
matching.py; whatever cannot be matched is an exception with what to do, and never stops the rest.
Framework-free: the Frappe layer supplies the stores and the member directory.
"""

from .adopt import AdoptionReport, AdoptionStores, adopt_account
from .matching import AdoptionException, Member, match_customers

__all__ = ["AdoptionException", "AdoptionReport", "AdoptionStores", "Member", "adopt_account", "match_customers"]
