"""Every client reads the emulator's association-small scenario into valid typed models over HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from verenigingen.verenigingen_payments.clients import (
    BalancesClient,
    ChargebacksClient,
    CustomersClient,
    InvoicesClient,
    MandatesClient,
    OrganizationsClient,
    PaymentsClient,
    RefundsClient,
    SettlementsClient,
    SubscriptionsClient,
)
from verenigingen.verenigingen_payments.core.models import (
    Amount,
    Balance,
    BalanceTransaction,
    Payment,
    PaymentStatus,
    Settlement,
    SubscriptionStatus,
)


def test_balances_transactions_and_report(config):
    client = BalancesClient(config)
    balances = client.list_balances()
    assert balances and all(isinstance(b, Balance) for b in balances)
    primary = client.get_primary_balance()
    assert primary == client.get_balance(primary.id)
    assert isinstance(primary.available_amount.value, Decimal)
    transactions = list(client.iter_transactions(primary.id))
    assert len(transactions) > 250  # more than one page
    assert all(isinstance(t.validate(), BalanceTransaction) for t in transactions)
    report = client.get_report(primary.id, date(2025, 1, 1), date(2025, 2, 1))
    assert report.balance_id == primary.id and report.totals


def test_settlements_and_what_they_contain(config):
    client = SettlementsClient(config)
    settlements = client.list_settlements()
    assert settlements and all(isinstance(s, Settlement) for s in settlements)
    first = settlements[0]
    assert client.get(first.id) == first
    assert client.get_open().status is not None and client.get_next().amount is not None
    payments = [p.validate() for p in client.iter_payments(first.id)]
    assert payments and all(p.settlement_id == first.id for p in payments)
    for items in (
        client.iter_refunds(first.id),
        client.iter_chargebacks(first.id),
        client.iter_captures(first.id),
    ):
        for item in items:
            item.validate()


def test_invoices_organization_and_chargebacks(config):
    invoices = InvoicesClient(config).list_invoices()
    assert invoices and InvoicesClient(config).get_invoice(invoices[0].id) == invoices[0]
    organization = OrganizationsClient(config).get_current()
    assert OrganizationsClient(config).get(organization.id).name == organization.name
    chargebacks = ChargebacksClient(config).list_chargebacks()
    assert chargebacks
    one = chargebacks[0]
    assert ChargebacksClient(config).get_chargeback(one.payment_id, one.id).amount == one.amount
    assert [c.id for c in ChargebacksClient(config).iter_payment_chargebacks(one.payment_id)] == [one.id]


def test_list_returns_items_and_iter_resumes_from_its_cursor(config):
    client = PaymentsClient(config)
    everything = [p.id for p in client.iter_payments()]
    assert len(everything) > 500
    assert [p.id for p in client.list_payments(max_items=10)] == everything[:10]
    pages = client.iter_payments()
    seen = [next(pages).id for _ in range(260)]  # across a page boundary
    cursor = pages.cursor
    assert cursor == everything[260]
    resumed = [p.id for p in client.iter_payments(from_=cursor)]
    assert seen + resumed == everything
    assert pages.pages_fetched == 2


def test_payment_create_read_cancel_and_refunds(config):
    payments = PaymentsClient(config)
    created = payments.create_payment(
        Amount.of("12.50", "EUR"),
        "Contributie 2026",
        redirect_url="https://vereniging.example/bedankt",
        metadata={"member": "M-1"},
    )
    assert created.status is PaymentStatus.OPEN and created.amount == Amount.of("12.50", "EUR")
    assert payments.get_payment(created.id).metadata == {"member": "M-1"}
    assert payments.cancel_payment(created.id).status is PaymentStatus.CANCELED
    paid = next(
        p
        for p in payments.iter_payments()
        if p.status is PaymentStatus.PAID
        and p.amount.value > Decimal("1.00")
        and (p.amount_refunded is None or not p.amount_refunded.value)
    )
    refunds = RefundsClient(config)
    refund = refunds.create_refund(paid.id, Amount.of("1.00", "EUR"), description="Teveel betaald")
    assert refunds.get_refund(paid.id, refund.id).amount == Amount.of("1.00", "EUR")
    assert refund.id in [r.id for r in refunds.iter_payment_refunds(paid.id)]
    assert refunds.list_refunds(max_items=5)


def test_customers_mandates_subscriptions_lifecycle(config):
    customers = CustomersClient(config)
    customer = customers.create_customer(name="Jan Jansen", email="jan@example.org")
    assert customers.get_customer(customer.id).email == "jan@example.org"
    assert customers.list_customers(max_items=3)
    mandates = MandatesClient(config)
    mandate = mandates.create_mandate(
        customer.id,
        method="directdebit",
        consumer_name="Jan Jansen",
        consumer_account="NL55INGB0000000000",
        consumer_bic="INGBNL2A",
        signature_date=date(2025, 1, 1),
        mandate_reference="LID-1",
    )
    assert [m.id for m in mandates.list_mandates(customer.id)] == [mandate.id]
    subscriptions = SubscriptionsClient(config)
    sub = subscriptions.create_subscription(customer.id, Amount.of("5.00", "EUR"), "1 month", "Contributie")
    assert sub.status is SubscriptionStatus.ACTIVE
    assert (
        subscriptions.update_subscription(customer.id, sub.id, description="Contributie 2026").description
        == "Contributie 2026"
    )
    assert subscriptions.cancel_subscription(customer.id, sub.id).status is SubscriptionStatus.CANCELED
    assert sub.id in [s.id for s in subscriptions.iter_all_subscriptions()]
    mandates.revoke_mandate(customer.id, mandate.id)


def test_every_item_is_a_valid_model_across_the_scenario(config):
    for payment in PaymentsClient(config).iter_payments():
        assert isinstance(payment.validate(), Payment)
