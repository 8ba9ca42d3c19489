"""Payment providers behind one port (`port.PaymentProvider`): ЮKassa API v3 (`yookassa.YooKassa`),
Т-Банк API v2 (`tbank.TBank`) and an in-memory fake for tests (`fake.FakeProvider`).
docs/design/payments.md explains the idempotency scheme, the decline table and the webhook checks."""
