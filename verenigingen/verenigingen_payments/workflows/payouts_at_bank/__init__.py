"""Mollie payouts matched to the association's bank statements, the findings and the three-way
summary (Mollie's balance, the settlements paid out, what arrived at the bank). Framework-free."""
