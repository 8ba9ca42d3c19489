"""Fast Lead channels: a workspace's connected messengers, SMS and e-mail (providers.py: one adapter per
provider over httpx), lead notifications and operators' replies (service.py), Cal.com (calcom.py)."""
