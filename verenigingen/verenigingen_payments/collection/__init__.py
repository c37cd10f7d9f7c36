"""Collections: what to do about each failed dues collection (reason-code policy), the dunning of a
member's period until it is paid or the membership is suspended, payment links for members who pay
themselves, SEPA pre-notifications, and the figures. Framework-free; stores behind `store.py`."""
