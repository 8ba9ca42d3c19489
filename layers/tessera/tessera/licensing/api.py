"""/api/console/licenses, /api/console/catalog and the seed's staff path POST /api/licenses/revoke."""

from datetime import date
from typing import Annotated, Literal

from tessera.audit import service as audit
from tessera.catalog import service as catalog
from tessera.catalog.models import Product
from tessera.core import clock
from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard
from tessera.licensing import export, service
from tessera.licensing.models import (
    ActivationList,
    IssuedLicense,
    LicenseDetail,
    LicenseFilters,
    LicenseKey,
    LicenseListPage,
    LicensePage,
    LicenseRequest,
    LicenseState,
    LicenseView,
    ReasonRequest,
    ReissuedKey,
    RenewRequest,
    RevokeRequest,
)

router = Router()
LICENSE_ID = Annotated[str, Path(pattern=r"^lic_[0-9A-HJKMNP-TV-Z]{26}$")]


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


@router.get("/api/console/catalog/products", summary="Products with their modules and plans", tags=["catalog"])
@guard(router, "console.catalog.read")
def products() -> list[Product]:
    return catalog.list_products()


@router.get("/api/console/licenses", summary="Licenses, newest first: all, or a customer's; filters and search",
            tags=["licenses"])
@guard(router, "console.licenses.read")
def list_licenses(org_id: Annotated[str | None, Query(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")] = None,
                  status: Annotated[Literal["active", "suspended", "revoked"] | None, Query()] = None,
                  state: Annotated[LicenseState | None, Query()] = None,
                  plan: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")] = None,
                  expires_before: Annotated[date | None, Query(description="the last day is before this date")
                                            ] = None,
                  q: Annotated[str | None, Query(max_length=100, description="a license id (or part of one), "
                                                 "a customer's name (part of it) or ИНН")] = None,
                  cursor: Annotated[str | None, Query(max_length=500)] = None,
                  limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> LicenseListPage:
    filters = LicenseFilters(org_id=org_id, status=status, state=state, plan=plan, expires_before=expires_before,
                             q=q)
    return service.list_licenses(filters, cursor, limit)


@router.get("/api/console/licenses/export", summary="Export the licenses (XLSX or CSV) with the list's filters",
            tags=["licenses"], responses={200: {"description": "the file",
                                               "content": {"text/csv": {}, export.XLSX_TYPE: {}}}})
@guard(router, "console.licenses.export")
def export_licenses(format: Literal["csv", "xlsx"] = "xlsx",
                    org_id: Annotated[str | None, Query(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")] = None,
                    status: Annotated[Literal["active", "suspended", "revoked"] | None, Query()] = None,
                    state: Annotated[LicenseState | None, Query()] = None,
                    plan: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")] = None,
                    expires_before: Annotated[date | None, Query()] = None,
                    q: Annotated[str | None, Query(max_length=100)] = None
                    ):  # a file: no return annotation, so the bytes pass through
    filters = LicenseFilters(org_id=org_id, status=status, state=state, plan=plan, expires_before=expires_before,
                             q=q)
    body, exported = export.export(filters, format)
    principal = current()
    audit.record("license.export", "license", "licenses", actor_id=principal.user_id, actor_kind="staff",
                 actor_display=principal.display, request=_request(),
                 after={"format": format, "licenses": exported, **filters.model_dump(mode="json", exclude_none=True)})
    name = f"tessera-licenses-{clock.today().isoformat()}.{format}"
    media = "text/csv; charset=utf-8" if format == "csv" else export.XLSX_TYPE
    return Response(200, media, body, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/api/console/licenses", summary="Issue a license (the wizard's last step)", tags=["licenses"])
@guard(router, "console.licenses.issue")
def issue(body: LicenseRequest) -> Response[IssuedLicense]:
    return Response(201, "application/json", service.issue(body, current(), _request()))


@router.get("/api/console/licenses/<license_id>", summary="A license and its signed versions", tags=["licenses"])
@guard(router, "console.licenses.read")
def detail(license_id: LICENSE_ID) -> LicenseDetail:
    return service.detail(license_id)


@router.get("/api/console/licenses/<license_id>/activations", summary="The license's installations (monitoring)",
            tags=["licenses"])
@guard(router, "console.licenses.read")
def activations(license_id: LICENSE_ID) -> ActivationList:
    return service.activations(license_id)


@router.get("/api/console/licenses/<license_id>/file", summary="Download the .lic file", tags=["licenses"],
            responses={200: {"description": "the license file", "content": {"application/json": {}}}})
@guard(router, "console.licenses.download")
def download(license_id: LICENSE_ID):  # a file: no return annotation, so the bytes pass through
    name, body = service.license_file(license_id)
    return Response(200, "application/octet-stream", body,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/api/console/licenses/<license_id>/reissue-key",
             summary="A new license key; the old one activates nothing new (audited with the reason)",
             tags=["licenses"])
@guard(router, "console.licenses.reissue_key")
def reissue_key(license_id: LICENSE_ID, body: ReasonRequest) -> ReissuedKey:
    return service.reissue_key(license_id, body.reason, current(), _request())


@router.post("/api/console/licenses/<license_id>/renew", summary="Renew or upgrade: version + 1", tags=["licenses"])
@guard(router, "console.licenses.renew")
def renew(license_id: LICENSE_ID, body: RenewRequest) -> LicenseView:
    return service.renew(license_id, body, body.reason, current(), _request())


@router.post("/api/console/licenses/<license_id>/suspend", summary="Suspend a license", tags=["licenses"])
@guard(router, "console.licenses.suspend")
def suspend(license_id: LICENSE_ID, body: ReasonRequest) -> LicenseView:
    return service.set_status(license_id, "suspended", body.reason, current(), _request())


@router.post("/api/console/licenses/<license_id>/resume", summary="Resume a suspended license", tags=["licenses"])
@guard(router, "console.licenses.suspend")
def resume(license_id: LICENSE_ID, body: ReasonRequest) -> LicenseView:
    return service.set_status(license_id, "active", body.reason, current(), _request())


@router.post("/api/licenses/revoke", summary="Revoke a license (the installation learns it at its next check)",
             tags=["licenses"])
@guard(router, "console.licenses.revoke")
def revoke(body: RevokeRequest) -> LicenseView:
    return service.set_status(body.license_id, "revoked", body.reason, current(), _request())


# --- the customer's own licenses (app area): the organization comes from the token; another tenant's
# organization or license answers 404 -----------------------------------------------------------------

ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]


@router.get("/api/app/orgs/<org_id>/licenses", summary="The organization's licenses", tags=["licenses"])
@guard(router, "app.licenses.read")
def my_licenses(org_id: ORG_ID, cursor: Annotated[str | None, Query(max_length=500)] = None,
                limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> LicensePage:
    return service.of_org(org_id, cursor, limit)


@router.get("/api/app/orgs/<org_id>/licenses/<license_id>/activations",
            summary="The installations of one of the organization's licenses", tags=["licenses"])
@guard(router, "app.licenses.read")
def my_activations(org_id: ORG_ID, license_id: LICENSE_ID) -> ActivationList:
    return service.activations(license_id, org_id)


@router.get("/api/app/orgs/<org_id>/licenses/<license_id>/file",
            summary="Download one of the organization's .lic files", tags=["licenses"],
            responses={200: {"description": "the license file", "content": {"application/json": {}}}})
@guard(router, "app.licenses.download")
def my_license_file(org_id: ORG_ID, license_id: LICENSE_ID):  # a file: the bytes pass through
    name, body = service.license_file(license_id, org_id)
    return Response(200, "application/octet-stream", body,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/app/orgs/<org_id>/licenses/<license_id>/key",
            summary="The license key, to activate an installation (a secret: each read is audited)", tags=["licenses"])
@guard(router, "app.licenses.key")
def my_license_key(org_id: ORG_ID, license_id: LICENSE_ID) -> Response[LicenseKey]:
    return Response(200, "application/json", service.reveal_key(license_id, org_id, current(), _request()),
                    headers={"Cache-Control": "no-store"})


@router.get("/api/app/orgs/<org_id>/catalog/products", summary="Product, module and plan names for the app",
            tags=["catalog"])
@guard(router, "app.licenses.read")
def my_products(org_id: ORG_ID) -> list[Product]:
    return catalog.list_products()
