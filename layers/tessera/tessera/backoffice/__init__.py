"""Back-office: staff access grants to customer data (with a reason, expiring, audited, visible to the
customer); later support tickets, tenant monitoring and SaaS metrics."""
