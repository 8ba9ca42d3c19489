"""Notifications: e-mail through SES (Telegram and Slack join later), Jinja2 templates in ru and en."""
