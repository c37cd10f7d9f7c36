"""SEPA direct-debit reversal reason codes in plain language, with what finance staff should do.

Codes and meanings follow the EPC SEPA Core Direct Debit rulebook's R-transaction reasons (the
codes Mollie passes on in a chargeback's `reason.code`). An unknown code is not an error: it gets
a generic explanation and the case is prioritised as if it might be recoverable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReasonInfo:
    code: str
    title: str
    explanation: str
    suggested_action: str
    #: Whether asking the member to pay again (a one-off payment request) usually makes sense.
    recoverable: bool
    #: Added to the priority score: codes that hint at fraud or a broken mandate weigh more.
    weight: int


_REASONS = (
    ReasonInfo("AC01", "Incorrect account number",
               "The IBAN on the mandate is not valid at the member's bank.",
               "Ask the member for the correct IBAN, register a new mandate, then request the missed dues.",
               True, 2),
    ReasonInfo("AC04", "Account closed",
               "The member's bank account has been closed.",
               "Contact the member for a new bank account and mandate; request the missed dues by iDEAL.",
               True, 2),
    ReasonInfo("AC06", "Account blocked",
               "The member's bank blocked the account for direct debits (or blocked all debits).",
               "Contact the member; ask them to pay by iDEAL or lift the block, and check the mandate.",
               True, 2),
    ReasonInfo("AG01", "Transaction forbidden",
               "Direct debits are not allowed on this account (for example a savings account).",
               "Ask the member for a current account and a new mandate; request the missed dues by iDEAL.",
               True, 2),
    ReasonInfo("AG02", "Invalid bank operation code",
               "The bank rejected the collection's format or sequence type.",
               "Check the mandate's sequence (first/recurring) with Mollie support before collecting again.",
               True, 1),
    ReasonInfo("AM04", "Insufficient funds",
               "There was not enough money in the member's account on the collection date.",
               "Send the member a friendly payment request; a second attempt usually succeeds.",
               True, 1),
    ReasonInfo("AM05", "Duplicate collection",
               "The bank saw this collection as a duplicate of an earlier one.",
               "Check whether the member was charged twice; if not, request the dues once more.",
               True, 1),
    ReasonInfo("BE05", "Unrecognised creditor",
               "The member's bank does not recognise the association as the creditor.",
               "Check the creditor identifier on the mandate with Mollie support.",
               False, 2),
    ReasonInfo("FF01", "Invalid file format",
               "The collection was rejected for a technical format error.",
               "A technical error: collect again or contact Mollie support; no action towards the member.",
               True, 0),
    ReasonInfo("MD01", "No mandate",
               "The member's bank has no valid mandate for this collection (unauthorised debit).",
               "Treat as disputed: contact the member, obtain a new signed mandate before any new collection.",
               False, 4),
    ReasonInfo("MD02", "Mandate data missing or incorrect",
               "Information on the mandate is missing or does not match the bank's records.",
               "Correct the mandate details with the member and register a new mandate.",
               True, 2),
    ReasonInfo("MD06", "Refund request by member",
               "The member asked their bank to refund the debit (allowed within 8 weeks, no reason needed).",
               "Ask the member why; if the dues are owed, send a payment request and explain the membership terms.",
               True, 3),
    ReasonInfo("MD07", "Member deceased",
               "The account holder has died.",
               "Do not collect again; end the membership and the subscription, and write the amount off.",
               False, 1),
    ReasonInfo("MS02", "Refused by member",
               "The member refused the debit without giving a reason.",
               "Contact the member to clarify; if the dues are owed, send a payment request.",
               True, 3),
    ReasonInfo("MS03", "Reason not specified",
               "The member's bank rejected the debit without saying why.",
               "Contact the member and ask them to pay by iDEAL; check the mandate.",
               True, 2),
    ReasonInfo("RC01", "Incorrect BIC",
               "The bank identifier (BIC) is not valid.",
               "Correct the member's bank details and register a new mandate.",
               True, 1),
    ReasonInfo("RR01", "Missing debtor identification",
               "Regulatory information about the member is missing.",
               "Complete the member's name and address details, then collect again.",
               True, 1),
    ReasonInfo("RR02", "Missing debtor name or address",
               "The member's name or address is missing for regulatory reasons.",
               "Complete the member's name and address details, then collect again.",
               True, 1),
    ReasonInfo("RR03", "Missing creditor name or address",
               "The association's name or address is missing for regulatory reasons.",
               "Check the association's details with Mollie support.",
               True, 0),
    ReasonInfo("RR04", "Regulatory reason",
               "The bank rejected the debit for regulatory reasons.",
               "Ask the member to pay by iDEAL; do not collect by direct debit again without checking.",
               True, 2),
    ReasonInfo("SL01", "Specific service offered by the member's bank",
               "The member's bank blocked the debit through a service the member set up (e.g. a creditor block list).",
               "Ask the member to allow the association's debits or pay by iDEAL.",
               True, 2),
)

REASON_CODES: dict[str, ReasonInfo] = {r.code: r for r in _REASONS}

UNKNOWN_REASON = ReasonInfo(
    "", "Unknown reason", "Mollie did not give a reason code this module knows.",
    "Look up the chargeback in the Mollie dashboard and contact the member.", True, 2)


def explain_reason(code: str | None) -> ReasonInfo:
    """The plain-language explanation of a reversal code; the generic one when unknown or absent."""
    if not code:
        return UNKNOWN_REASON
    return REASON_CODES.get(code.strip().upper(), UNKNOWN_REASON)
