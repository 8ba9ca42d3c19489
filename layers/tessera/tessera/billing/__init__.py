"""Billing and payments: plans, subscriptions, invoices and closing documents, payment providers."""
