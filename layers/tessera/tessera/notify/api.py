"""/api/console/notifications/* (staff: own preferences, a customer's, the delivery log and retries),
/api/app/orgs/{org_id}/notifications/* (a customer's own) and POST /api/console/licenses/{license_id}/send
(the .lic file by e-mail)."""

from datetime import datetime
from typing import Annotated, Literal

from tessera.core.http import Path, Query, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard, pii_masked
from tessera.notify import service
from tessera.notify.models import (
    DeliveryPage,
    DeliveryView,
    PreferencesUpdate,
    PreferencesView,
    SendAnswer,
    SendLicenseRequest,
    StaffPreferencesUpdate,
    TestRequest,
)

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
LICENSE_ID = Annotated[str, Path(pattern=r"^lic_[0-9A-HJKMNP-TV-Z]{26}$")]
DELIVERY_ID = Annotated[str, Path(pattern=r"^dlv_[0-9A-HJKMNP-TV-Z]{26}$")]
CURSOR = Annotated[str | None, Query(max_length=500)]
LIMIT = Annotated[int | None, Query(ge=1, le=100)]
CHANNEL = Annotated[Literal["email", "telegram", "slack"] | None, Query()]
EVENT = Annotated[Literal["license.expiry", "license.limit", "license.file", "channel.test"] | None, Query()]
STATUS = Annotated[Literal["pending", "sent", "failed"] | None, Query()]
SINCE = Annotated[datetime | None, Query(alias="from")]
UNTIL = Annotated[datetime | None, Query(alias="to")]


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


# --- staff: their own --------------------------------------------------------------------------------

@router.get("/api/console/notifications/preferences", summary="My notification preferences",
            tags=["notifications"])
@guard(router, "console.notifications.self.read")
def my_preferences() -> PreferencesView:
    return service.get_preferences("staff", current().user_id)


@router.put("/api/console/notifications/preferences", summary="Change my notification preferences",
            tags=["notifications"])
@guard(router, "console.notifications.self.update")
def update_my_preferences(body: StaffPreferencesUpdate) -> PreferencesView:
    return service.update_preferences("staff", current().user_id, body, current(), _request())


@router.post("/api/console/notifications/preferences/test", summary="Send myself a test message over a channel",
             tags=["notifications"])
@guard(router, "console.notifications.self.update")
def test_my_channel(body: TestRequest) -> DeliveryView:
    return service.send_test("staff", current().user_id, body.channel, current())


# --- staff: a customer's -----------------------------------------------------------------------------

@router.get("/api/console/notifications/customers/<org_id>/preferences",
            summary="A customer's notification preferences", tags=["notifications"])
@guard(router, "console.notifications.customer.read", customer_data="read")
def customer_preferences(org_id: ORG_ID) -> PreferencesView:
    return service.get_preferences("org", org_id, masked=pii_masked())


@router.put("/api/console/notifications/customers/<org_id>/preferences",
            summary="Change a customer's notification preferences", tags=["notifications"])
@guard(router, "console.notifications.customer.update", customer_data="write")
def update_customer_preferences(org_id: ORG_ID, body: PreferencesUpdate) -> PreferencesView:
    return service.update_preferences("org", org_id, body, current(), _request())


@router.get("/api/console/notifications/deliveries", summary="The delivery log (recipients masked)",
            tags=["notifications"])
@guard(router, "console.notifications.log.read")
def deliveries(org_id: Annotated[str | None, Query(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")] = None,
               audience: Annotated[Literal["customer", "staff"] | None, Query()] = None,
               channel: CHANNEL = None, event: EVENT = None, status: STATUS = None, since: SINCE = None,
               until: UNTIL = None, cursor: CURSOR = None, limit: LIMIT = None) -> DeliveryPage:
    return service.list_deliveries(org_id=org_id, audience=audience, channel=channel, event=event, status=status,
                                   since=since, until=until, cursor=cursor, limit=limit)


@router.post("/api/console/notifications/deliveries/<delivery_id>/retry", summary="Retry a failed delivery",
             tags=["notifications"])
@guard(router, "console.notifications.log.retry")
def retry(delivery_id: DELIVERY_ID) -> DeliveryView:
    return service.retry_by_staff(delivery_id, current(), _request())


@router.post("/api/console/licenses/<license_id>/send",
             summary="E-mail the newest license file to the customer's license recipients", tags=["licenses"])
@guard(router, "console.licenses.send")
def send_license(license_id: LICENSE_ID, body: SendLicenseRequest) -> SendAnswer:
    return service.send_license(license_id, body.recipients, body.language, current(), _request())


# --- customers: their own ----------------------------------------------------------------------------

@router.get("/api/app/orgs/<org_id>/notifications/preferences", summary="Our notification preferences",
            tags=["notifications"])
@guard(router, "app.notifications.read")
def org_preferences(org_id: ORG_ID) -> PreferencesView:
    return service.get_preferences("org", org_id)


@router.put("/api/app/orgs/<org_id>/notifications/preferences", summary="Change our notification preferences",
            tags=["notifications"])
@guard(router, "app.notifications.update")
def update_org_preferences(org_id: ORG_ID, body: PreferencesUpdate) -> PreferencesView:
    return service.update_preferences("org", org_id, body, current(), _request())


@router.post("/api/app/orgs/<org_id>/notifications/preferences/test",
             summary="Send a test message over one of our channels", tags=["notifications"])
@guard(router, "app.notifications.update")
def test_org_channel(org_id: ORG_ID, body: TestRequest) -> DeliveryView:
    return service.send_test("org", org_id, body.channel, current())


@router.get("/api/app/orgs/<org_id>/notifications/deliveries", summary="Notices sent to us",
            tags=["notifications"])
@guard(router, "app.notifications.read")
def org_deliveries(org_id: ORG_ID, channel: CHANNEL = None, event: EVENT = None, status: STATUS = None,
                   since: SINCE = None, until: UNTIL = None, cursor: CURSOR = None,
                   limit: LIMIT = None) -> DeliveryPage:
    return service.list_deliveries(org_id=org_id, audience="customer", channel=channel, event=event, status=status,
                                   since=since, until=until, cursor=cursor, limit=limit)
