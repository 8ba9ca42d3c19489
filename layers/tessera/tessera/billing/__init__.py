"""Billing: plans, subscriptions, invoices and their numbering, payments (providers/ and documents/ are
the payment providers and the closing documents)."""
