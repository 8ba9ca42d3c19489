"""Identity: staff and customer users, memberships and roles, sessions, 2FA, invites, throttling."""
