"""Licensing items (env LICENSING_TABLE).

| item | pk | sk |
|---|---|---|
| license (staff view, current terms) | `LIC#<license_id>` | `LICENSE` |
| signed version (immutable) | `LIC#<license_id>` | `VER#<000001>` |
| installation view, by the key's SHA-256 (also of keys replaced by a re-issue) | `KEY#<sha256>` | `LICENSE` |
| activation (an installation) | `LIC#<license_id>` | `ACT#<installation_id>` |

The installation view repeats what a status check needs (status, terms, newest token), so a check is
one GetItem; it is written in the same transaction as every change of the license.
GSI `by_org` (org_key, created_key): the licenses of a customer.
GSI `all_licenses` (list_key `LICENSES`, created_key): every license, newest first: the console's list of
all licenses (sparse: only license items carry list_key; kept in the license's own write).
GSI `by_month` (month_key, month_sort): the reports' items by calendar month: licenses sold
(`SALE#<YYYY-MM>`), renewed terms by the month they would have ended (`RENEWED#<YYYY-MM>`), installations
by the month of their activation (`ACTIVATED#<YYYY-MM>`).
GSI `fleet` (fleet_key `FLEET#<0-7>`, last_seen_at): every installation by its last contact, written in 8
shards (repository.FLEET_SHARDS says why), so the fleet's states (active / stale / inactive are ranges of
last_seen_at) are key conditions on each shard; the heartbeat worker's one UpdateItem keeps it current.
Counters `STATS#LICENSES` / `D#<YYYY-MM-DD>#<END|GRACE|START|NEW>` and `STATUS#<status>`: the dashboard's
read model, changed in the same transaction as the license (tessera.licensing.dashboard).
Sales plans `SALESPLAN` / `<YYYY-MM>#<product>` (tessera.licensing.reports).
GSI `by_expiry` (expiry_month `EXP#<YYYY-MM>`, expiry_key `<ends_on>#<license_id>`): licenses whose last day
falls in a month, for the daily expiry notices (tessera.notify.expiry) without a scan."""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

META = record_meta("LICENSING_TABLE")


class ByOrgIndex(GlobalSecondaryIndex["LicenseRecord"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class AllLicensesIndex(GlobalSecondaryIndex["LicenseRecord"]):
    class Meta:
        index_name = "all_licenses"
        projection = AllProjection()

    list_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ByExpiryIndex(GlobalSecondaryIndex["LicenseRecord"]):
    class Meta:
        index_name = "by_expiry"
        projection = AllProjection()

    expiry_month = UnicodeAttribute(hash_key=True)
    expiry_key = UnicodeAttribute(range_key=True)


class ByMonthIndex(GlobalSecondaryIndex["BaseRecord"]):
    class Meta:
        index_name = "by_month"
        projection = AllProjection()

    month_key = UnicodeAttribute(hash_key=True)
    month_sort = UnicodeAttribute(range_key=True)


class FleetIndex(GlobalSecondaryIndex["ActivationRecord"]):
    class Meta:
        index_name = "fleet"
        projection = AllProjection()

    fleet_key = UnicodeAttribute(hash_key=True)
    last_seen_at = UTCDateTimeAttribute(range_key=True)


class _Terms(BaseRecord):
    class Meta:
        abstract = True

    license_id = UnicodeAttribute()
    product = UnicodeAttribute()
    plan = UnicodeAttribute()
    modules = JSONAttribute()  # [code]
    limits = JSONAttribute()  # {name: Limit}
    starts_on = UnicodeAttribute()  # YYYY-MM-DD
    ends_on = UnicodeAttribute()
    grace_days = NumberAttribute()
    domain = UnicodeAttribute()
    version_min = UnicodeAttribute()
    version_max = UnicodeAttribute(null=True)
    mandatory_updates = BooleanAttribute(default=False)
    status = UnicodeAttribute()  # active | suspended | revoked
    version = NumberAttribute()  # the newest signed version
    token = UnicodeAttribute()  # the newest signed version's JWS
    payment_status = UnicodeAttribute(null=True)  # paid | awaiting | held; None = not tracked (licensing.payments)
    payment_due_on = UnicodeAttribute(null=True)  # YYYY-MM-DD: awaiting after it = overdue


class LicenseRecord(_Terms):
    Meta = META
    org_id = UnicodeAttribute()
    key_hash = UnicodeAttribute()
    key_hint = UnicodeAttribute()
    key_sealed = UnicodeAttribute(null=True)  # the key, envelope-encrypted: shown to the customer on demand
    retired_key_hashes = JSONAttribute(null=True)  # keys replaced by a re-issue, newest first: status only
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    revoked_reason = UnicodeAttribute(null=True)
    org_key = UnicodeAttribute()
    created_key = UnicodeAttribute()
    row_version = VersionAttribute()
    expiry_month = UnicodeAttribute(null=True)  # EXP#<YYYY-MM> of ends_on
    expiry_key = UnicodeAttribute(null=True)  # <ends_on>#<license_id>
    list_key = UnicodeAttribute(null=True)  # "LICENSES": the all_licenses index
    by_org = ByOrgIndex()
    all_licenses = AllLicensesIndex()
    by_expiry = ByExpiryIndex()


class InstallationViewRecord(_Terms):
    Meta = META
    key_retired = BooleanAttribute(null=True)  # a re-issued key's view: answers status checks, activates nothing


class VersionRecord(BaseRecord):
    Meta = META
    license_id = UnicodeAttribute()
    version = NumberAttribute()
    token = UnicodeAttribute()
    checksum = UnicodeAttribute()  # SHA-256 of the token
    claims = JSONAttribute()
    reason = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()


class ActivationRecord(BaseRecord):
    """One installation of a license: its key (heartbeats must be signed by it) and what it reported."""

    Meta = META
    installation_id = UnicodeAttribute()
    license_id = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    public_key = JSONAttribute()  # JWK
    key_thumbprint = UnicodeAttribute()
    software_version = UnicodeAttribute()
    domain = UnicodeAttribute()
    server_ip = UnicodeAttribute(null=True)
    active_modules = JSONAttribute(default=list)
    activated_at = UTCDateTimeAttribute()
    last_seen_at = UTCDateTimeAttribute()
    last_seq = NumberAttribute(null=True)  # the newest heartbeat applied
    heartbeats = NumberAttribute(null=True)  # how many distinct heartbeats were recorded (each once)
    usage = JSONAttribute(null=True)  # {users: n, departments: n, …} from the newest heartbeat
    errors = JSONAttribute(null=True)
    seen_version = NumberAttribute(null=True)  # the newest license version the installation holds
    fleet_key = UnicodeAttribute(null=True)  # "FLEET#<shard>": every installation in the fleet index
    month_key = UnicodeAttribute(null=True)  # ACTIVATED#<YYYY-MM>
    month_sort = UnicodeAttribute(null=True)  # <activated_at>#<installation_id>
    fleet = FleetIndex()
    by_month = ByMonthIndex()


class CounterRecord(BaseRecord):
    """A dashboard counter (`STATS#LICENSES`), changed by ADD in the license's own transaction."""

    Meta = META
    value = NumberAttribute(default=0)


class SaleRecord(BaseRecord):
    """Modules sold by one signed version (`LIC#<id>` / `SALE#<version>`): an issue, a renewal or an upgrade,
    valued at the catalog's list prices when it was signed. Immutable."""

    Meta = META
    license_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    product = UnicodeAttribute()
    version = NumberAttribute()
    kind = UnicodeAttribute()  # new | renewal | upgrade
    sold_on = UnicodeAttribute()  # YYYY-MM-DD, Moscow
    lines = JSONAttribute()  # [{module, days, amount (kopecks) | None}]
    created_at = UTCDateTimeAttribute()
    month_key = UnicodeAttribute()  # SALE#<YYYY-MM>
    month_sort = UnicodeAttribute()  # <sold_on>#<license_id>#<version>
    by_month = ByMonthIndex()


class RenewedTermRecord(BaseRecord):
    """A term that was renewed (`LIC#<id>` / `RENEWED#<previous ends_on>`), by the month it would have ended."""

    Meta = META
    license_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    product = UnicodeAttribute()
    previous_ends_on = UnicodeAttribute()
    ends_on = UnicodeAttribute()
    renewed_on = UnicodeAttribute()
    amount = NumberAttribute(null=True)  # kopecks: the renewal's value at list prices
    month_key = UnicodeAttribute()  # RENEWED#<YYYY-MM of previous_ends_on>
    month_sort = UnicodeAttribute()  # <previous_ends_on>#<license_id>
    by_month = ByMonthIndex()


class SalesPlanRecord(BaseRecord):
    """The sales plan of one product for one month (`SALESPLAN` / `<YYYY-MM>#<product>`), set by staff."""

    Meta = META
    month = UnicodeAttribute()
    product = UnicodeAttribute()
    modules = JSONAttribute()  # {module: {count, amount}}
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()
