import * as schema from './schema';

/**
 * The enumerations the SPA offers in filters and forms and labels in tables, as docs/openapi.json lists
 * them (generated into ./schema by `openapi-typescript --enum-values`). Where an endpoint filters by the
 * enumeration, its query parameter is the source; otherwise the request or view field. The i18n test
 * checks that every value has a label in both languages.
 */

/** The generated lists of nullable fields carry `null` in their element type; the values never do. */
const values = <T>(list: readonly T[]) => list as readonly NonNullable<T>[];

export const STAFF_ROLES = values(schema.staffRoleValues);
export const CUSTOMER_ROLES = values(schema.customerRoleValues);
export const OIDC_PROVIDERS = values(schema.pathsApiAuthOidcProviderStartGetParametersPathProviderValues);

export const SEGMENTS = values(schema.pathsApiConsoleCustomersGetParametersQuerySegmentAnyOf0Values);
export const CUSTOMER_STATUSES = values(schema.pathsApiConsoleCustomersGetParametersQueryStatusAnyOf0Values);
export const CUSTOMER_EXPORT_FORMATS = values(schema.pathsApiConsoleCustomersExportGetParametersQueryFormatValues);
export const DEPLOYMENTS = values(schema.customerCreateDeploymentValues);
export const CONTACT_PURPOSES = values(schema.contactCreatePurposesValues);
export const DOCUMENT_KINDS = values(schema.documentUploadRequestKindValues);
export const PAYMENT_METHODS = values(schema.paymentCreateMethodValues);

export const LICENSE_STATUSES = values(schema.pathsApiConsoleLicensesGetParametersQueryStatusAnyOf0Values);
/** The states the license list filters by (every state but UNKNOWN_LICENSE, which no issued license has). */
export const LICENSE_STATES = values(schema.pathsApiConsoleLicensesGetParametersQueryStateAnyOf0Values);
export const LIMIT_MODES = values(schema.limitModeValues);
export const ACTIVATION_STATES = values(schema.pathsApiConsoleLicensingActivationsGetParametersQueryStateAnyOf0Values);
export const RENEWAL_STATUSES = values(schema.renewalItemStatusValues);
export const REPORT_FORMATS = values(schema.pathsApiConsoleLicensingReportsReportExportGetParametersQueryFormatValues);

export const AUDIT_EXPORT_FORMATS = values(schema.pathsApiConsoleAuditExportGetParametersQueryFormatValues);

/** What a person can subscribe to; the delivery log also shows license files and channel tests. */
export const NOTICE_EVENTS = values(schema.preferencesUpdateEventsValues);
export const CHANNELS = values(schema.pathsApiConsoleNotificationsDeliveriesGetParametersQueryChannelAnyOf0Values);
export const DELIVERY_EVENTS = values(schema.pathsApiConsoleNotificationsDeliveriesGetParametersQueryEventAnyOf0Values);
export const DELIVERY_STATUSES = values(schema.pathsApiConsoleNotificationsDeliveriesGetParametersQueryStatusAnyOf0Values);
export const DELIVERY_AUDIENCES = values(schema.pathsApiConsoleNotificationsDeliveriesGetParametersQueryAudienceAnyOf0Values);
