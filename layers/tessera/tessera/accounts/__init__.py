"""Accounts: customer organizations. Identity creates one when a customer signs up; the license
portal adds the customer card (ИНН/КПП, segment, manager, contracts) on the same record."""
