"""Roles and the one permission table (role × action). Every route declares its action; a test walks
every route × role against this table."""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    ADMIN = "admin"
    SALES = "sales"
    IMPLEMENTATION = "implementation"
    SUPPORT = "support"
    BILLING = "billing"
    DEVELOPER = "developer"
    AUDITOR = "auditor"  # reads everything it may, changes nothing


class CustomerRole(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    OPERATOR = "operator"
    ANALYST = "analyst"


STAFF_ROLES = frozenset(StaffRole)
CUSTOMER_ROLES = frozenset(CustomerRole)

_ALL_STAFF = frozenset(StaffRole)
_S = StaffRole
_C = CustomerRole

# action → the roles allowed. Staff actions start with "console.", customer actions with "app.".
PERMISSIONS: dict[str, frozenset[StaffRole] | frozenset[CustomerRole]] = {
    # staff management
    "console.staff.read": frozenset({_S.ADMIN, _S.AUDITOR}),
    "console.staff.invite": frozenset({_S.ADMIN}),
    "console.staff.update": frozenset({_S.ADMIN}),
    "console.staff.deactivate": frozenset({_S.ADMIN}),
    "console.staff.reset_mfa": frozenset({_S.ADMIN}),
    # access to customer data
    "console.grants.read": frozenset({_S.ADMIN, _S.SUPPORT, _S.DEVELOPER, _S.AUDITOR}),
    "console.grants.create": frozenset({_S.ADMIN, _S.SUPPORT}),  # support: read-only self-grants (policy)
    "console.grants.revoke": frozenset({_S.ADMIN}),
    # a customer's data, seen from the console (support and developers through a grant)
    "console.customers.team.read": frozenset({_S.ADMIN, _S.SALES, _S.IMPLEMENTATION, _S.SUPPORT, _S.BILLING,
                                              _S.DEVELOPER, _S.AUDITOR}),
    # customers (accounts): sales and admin keep the card; billing records payments; the others read
    # (developers see personal data masked)
    "console.customers.read": _ALL_STAFF,
    "console.customers.create": frozenset({_S.ADMIN, _S.SALES}),
    "console.customers.update": frozenset({_S.ADMIN, _S.SALES}),
    "console.customers.status": frozenset({_S.ADMIN, _S.SALES}),
    "console.customers.import": frozenset({_S.ADMIN, _S.SALES}),
    "console.customers.export": frozenset({_S.ADMIN, _S.SALES, _S.IMPLEMENTATION, _S.SUPPORT, _S.BILLING,
                                           _S.AUDITOR}),
    "console.customers.contacts.write": frozenset({_S.ADMIN, _S.SALES}),
    "console.customers.contracts.write": frozenset({_S.ADMIN, _S.SALES}),
    "console.customers.documents.write": frozenset({_S.ADMIN, _S.SALES}),
    "console.customers.documents.download": frozenset({_S.ADMIN, _S.SALES, _S.IMPLEMENTATION, _S.SUPPORT,
                                                       _S.BILLING, _S.AUDITOR}),
    "console.customers.payments.record": frozenset({_S.ADMIN, _S.BILLING}),
    "console.customers.payments.terms": frozenset({_S.ADMIN, _S.SALES, _S.BILLING}),
    # notes on the Activity tab: the seed lets support write notes too (no change to the card)
    "console.customers.notes.write": frozenset({_S.ADMIN, _S.SALES, _S.IMPLEMENTATION, _S.SUPPORT, _S.BILLING}),
    # audit
    "console.audit.read": frozenset({_S.ADMIN, _S.AUDITOR}),
    "console.audit.export": frozenset({_S.ADMIN, _S.AUDITOR}),
    "console.audit.verify": frozenset({_S.ADMIN, _S.AUDITOR}),
    # catalog and licenses: support sees but cannot change keys; the auditor only reads
    "console.catalog.read": _ALL_STAFF,
    "console.licenses.read": _ALL_STAFF,
    "console.licenses.issue": frozenset({_S.ADMIN, _S.SALES}),
    "console.licenses.renew": frozenset({_S.ADMIN, _S.SALES}),
    "console.licenses.suspend": frozenset({_S.ADMIN, _S.SALES}),
    "console.licenses.revoke": frozenset({_S.ADMIN}),
    "console.licenses.download": frozenset({_S.ADMIN, _S.SALES, _S.IMPLEMENTATION, _S.SUPPORT}),
    "console.licenses.reissue_key": frozenset({_S.ADMIN, _S.SALES}),
    # licensing dashboard and reports (plan vs fact, renewal forecast, module usage, their files)
    "console.licensing.dashboard": _ALL_STAFF,
    "console.reports.read": frozenset({_S.ADMIN, _S.SALES, _S.BILLING, _S.AUDITOR}),
    "console.reports.plan": frozenset({_S.ADMIN, _S.SALES}),
    "console.licenses.send": frozenset({_S.ADMIN, _S.SALES}),  # the .lic file by e-mail to the customer
    # notifications: everyone but the auditor chooses their own; a customer's are its data (grants apply)
    "console.notifications.self.read": _ALL_STAFF,
    "console.notifications.self.update": _ALL_STAFF - {_S.AUDITOR},
    "console.notifications.customer.read": _ALL_STAFF,
    "console.notifications.customer.update": frozenset({_S.ADMIN, _S.SALES}),
    "console.notifications.log.read": _ALL_STAFF,  # recipients are masked
    "console.notifications.log.retry": frozenset({_S.ADMIN, _S.SUPPORT}),
    # billing: plans, subscriptions, invoices, payments
    "console.billing.read": frozenset({_S.ADMIN, _S.BILLING, _S.AUDITOR}),
    "console.billing.seller": frozenset({_S.ADMIN, _S.BILLING}),  # the seller's requisites on documents
    # integrations (1С, CRM): keys only admins make; billing staff mark a bank transfer paid
    "console.billing.mark_paid": frozenset({_S.ADMIN, _S.BILLING}),
    "console.integrations.read": frozenset({_S.ADMIN, _S.AUDITOR}),
    "console.integrations.manage": frozenset({_S.ADMIN}),
    "console.billing.providers": frozenset({_S.ADMIN, _S.BILLING}),  # payment providers' credentials
    # money: refunds through the providers, payments' files (the export is a read: auditors too)
    "console.billing.refund": frozenset({_S.ADMIN, _S.BILLING}),
    "console.billing.export": frozenset({_S.ADMIN, _S.BILLING, _S.AUDITOR}),
    "console.billing.import": frozenset({_S.ADMIN, _S.BILLING}),
    "console.licenses.export": frozenset({_S.ADMIN, _S.SALES, _S.IMPLEMENTATION, _S.SUPPORT, _S.BILLING,
                                          _S.AUDITOR}),
    # deploys of client installations: implementation, developers and admins run them; auditors read
    "console.deploys.read": frozenset({_S.ADMIN, _S.IMPLEMENTATION, _S.DEVELOPER, _S.AUDITOR}),
    "console.deploys.run": frozenset({_S.ADMIN, _S.IMPLEMENTATION, _S.DEVELOPER}),
    # a customer's team
    "app.team.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
    "app.team.invite": frozenset({_C.OWNER, _C.ADMIN}),
    "app.team.update": frozenset({_C.OWNER, _C.ADMIN}),
    "app.team.remove": frozenset({_C.OWNER, _C.ADMIN}),
    "app.staff_access.read": frozenset({_C.OWNER, _C.ADMIN}),
    # the organization's own licenses, their installations and license files
    "app.licenses.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
    "app.licenses.download": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR}),
    "app.licenses.key": frozenset({_C.OWNER, _C.ADMIN}),  # it activates new servers: who manages the org
    "app.notifications.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
    "app.notifications.update": frozenset({_C.OWNER, _C.ADMIN}),
    # the organization's plan, invoices and payments: who manages the organization
    "app.billing.read": frozenset({_C.OWNER, _C.ADMIN}),
    "app.billing.change": frozenset({_C.OWNER, _C.ADMIN}),
    # Fast Lead: workspaces and their widget are set up by who manages the organization; operators work
    # the leads, analysts read them
    "app.workspaces.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
    "app.workspaces.create": frozenset({_C.OWNER, _C.ADMIN}),
    "app.workspaces.update": frozenset({_C.OWNER, _C.ADMIN}),
    "app.workspaces.archive": frozenset({_C.OWNER, _C.ADMIN}),
    "app.widget.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
    "app.widget.update": frozenset({_C.OWNER, _C.ADMIN}),
    "app.widget.publish": frozenset({_C.OWNER, _C.ADMIN}),
    "app.leads.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
    "app.leads.update": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR}),
    # Fast Lead analytics and exports: who manages the organization and the analyst; operators work the
    # leads one by one and take no bulk copy of everyone's contacts. Alerts are the owner's choice.
    "app.analytics.read": frozenset({_C.OWNER, _C.ADMIN, _C.ANALYST}),
    "app.analytics.alerts": frozenset({_C.OWNER, _C.ADMIN}),
    "app.exports.create": frozenset({_C.OWNER, _C.ADMIN, _C.ANALYST}),
    "app.exports.read": frozenset({_C.OWNER, _C.ADMIN, _C.ANALYST}),
    # the onboarding wizard is run by who sets Fast Lead up; everyone sees its progress, the tour and the
    # feature flags that shape their pages
    "app.onboarding.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
    "app.onboarding.update": frozenset({_C.OWNER, _C.ADMIN}),
    "app.features.read": frozenset({_C.OWNER, _C.ADMIN, _C.OPERATOR, _C.ANALYST}),
}

# Customer data that staff reach only through an access grant (support, developer) unless their role
# covers it by itself.
GRANT_ROLES = frozenset({_S.SUPPORT, _S.DEVELOPER})


def allowed(roles: frozenset[str] | set[str] | list[str], action: str) -> bool:
    permitted = PERMISSIONS.get(action)
    if permitted is None:
        raise KeyError(f"unknown action {action!r}: add it to PERMISSIONS")
    return any(role in permitted for role in roles)


def actions_for(role: str) -> list[str]:
    return sorted(action for action, roles in PERMISSIONS.items() if role in roles)
