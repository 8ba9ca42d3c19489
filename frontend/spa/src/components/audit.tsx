import { Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDay, formatRubles, useDateTime } from '../lib/format';
import { useCatalog } from '../lib/licensing';
import { NameWithId, useCustomer, useStaffNames } from '../lib/names';

/**
 * Audit events as people read them: who and what by name (the ids under them), and each change as
 * "Статус: Активна → Отозвана" in the UI language. Events carry field names and raw values
 * (`{"status": ["active", "revoked"]}`); an unknown field or value shows as it is.
 */

/** The i18n keys that label a field's values, by `<entity type>.<field>`. */
const VALUE_LABELS: Record<string, string> = {
  'license.status': 'licenses.statuses',
  'license.mode': 'limitMode',
  'license.payment_status': 'paymentStatus',
  'organization.status': 'customerStatus',
  'organization.segment': 'segment',
  'organization.deployment': 'deployment',
  'contact.purposes': 'contactPurpose',
  'contract.status': 'contractStatus',
  'contract.sla': 'contractSla',
  'document.kind': 'documentKind',
  'payment.method': 'paymentMethod',
  'payment.payment_status': 'paymentStatus',
  'user.status': 'auditValue.userStatus',
  'user.roles': 'roles.staff',
  'user.locale': 'auditValue.language',
  'member.role': 'roles.customer',
  'member.status': 'memberStatus',
  'grant.scope': 'grants.scopes',
  'session.audience': 'auditValue.audience',
  'notification_preferences.language': 'auditValue.language',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function useAuditLabels() {
  const { t, i18n } = useTranslation();
  const { t: n } = useTranslation('notifications');
  const dateTime = useDateTime();
  const staff = useStaffNames();
  const products = useCatalog().data ?? [];
  const english = i18n.resolvedLanguage === 'en';

  const plan = (code: string) => products.flatMap((p) => p.plans).find((p) => p.code === code)?.name ?? code;
  const module = (code: string) => {
    const found = products.flatMap((p) => p.modules).find((m) => m.code === code);
    return found ? (english ? found.name_en : found.name) : code;
  };

  function scalar(entityType: string, leaf: string, value: unknown): string {
    if (value === null || value === undefined || value === '') return '—';
    if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
    if (typeof value === 'number') return leaf.endsWith('kopecks') ? formatRubles(value, i18n.language) : value.toLocaleString(i18n.language);
    if (typeof value !== 'string') return JSON.stringify(value);
    const labels = VALUE_LABELS[`${entityType}.${leaf}`];
    if (labels) return t(`${labels}.${value}`, { defaultValue: value });
    if (entityType === 'license' && leaf === 'plan') return plan(value);
    if (entityType === 'license' && leaf === 'modules') return module(value);
    if (leaf === 'manager_id') return staff.get(value) ?? value;
    if (leaf === 'events') return n(`event.${value}`, { defaultValue: value });
    if (DAY.test(value)) return formatDay(value, i18n.language);
    if (INSTANT.test(value)) return dateTime(value);
    return value;
  }

  return {
    entity: (entityType: string) => t(`auditEntity.${entityType}`, { defaultValue: entityType }),
    /** `limits.users.value` → "Лимиты · Пользователи · Значение". */
    field: (entityType: string, path: string) => path.split('.').map((part) => (entityType === 'sales_plan'
      ? module(part) // the plan's fields are module codes
      : t([`auditFieldOf.${entityType}.${part}`, `auditField.${part}`, `limitName.${part}`], { defaultValue: part }))).join(' · '),
    value: (entityType: string, path: string, value: unknown) => {
      const leaf = path.split('.').at(-1) ?? path;
      if (!Array.isArray(value)) return scalar(entityType, leaf, value);
      return value.length === 0 ? '—' : value.map((item) => scalar(entityType, leaf, item)).join(', ');
    },
  };
}

export type AuditDiff = Record<string, unknown[]> | null | undefined;

const unset = (value: unknown) => value === null || value === undefined;

/**
 * Each changed field on its own line: "Статус: Активна → Отозвана", a field that was set for the first
 * time as "Домен: budget.romashka.ru"; past `limit` lines, how many more there are.
 */
export function AuditChanges({ entityType, diff, limit }: { entityType: string; diff: AuditDiff; limit?: number }) {
  const { t } = useTranslation();
  const labels = useAuditLabels();
  const changes = Object.entries(diff ?? {});
  if (changes.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  const shown = limit ? changes.slice(0, limit) : changes;
  return (
    <Flex vertical>
      {shown.map(([path, [before, after]]) => (
        <Typography.Text key={path}>
          <span title={path}>{labels.field(entityType, path)}</span>:{' '}
          {unset(before) ? labels.value(entityType, path, after)
            : `${labels.value(entityType, path, before)} → ${labels.value(entityType, path, after)}`}
        </Typography.Text>
      ))}
      {shown.length < changes.length && (
        <Typography.Text type="secondary">{t('audit.moreChanges', { count: changes.length - shown.length })}</Typography.Text>
      )}
    </Flex>
  );
}

/** Who did it: the name the event recorded, else a staff member's from the staff list, else what kind of actor. */
export function AuditActor({ actor }: { actor: { id: string; kind: string; display?: string | null } }) {
  const { t } = useTranslation();
  const staff = useStaffNames();
  const kind = t(`actorKind.${actor.kind}`, { defaultValue: actor.kind });
  const name = actor.display || (actor.kind === 'staff' ? staff.get(actor.id) : undefined);
  // Without a name the kind stands in for it ("Клиент"); under a name it qualifies it ("клиент").
  return <NameWithId name={name ?? kind.charAt(0).toUpperCase() + kind.slice(1)} id={actor.id} hint={name ? kind : undefined} />;
}

/** What it was done to: a customer or a staff member by name, anything else by its kind; the id under it. */
export function AuditEntity({ entityType, entityId }: { entityType: string; entityId: string }) {
  const labels = useAuditLabels();
  const staff = useStaffNames();
  const customer = useCustomer(entityType === 'organization' ? entityId : null);
  const kind = labels.entity(entityType);
  const name = entityType === 'organization' ? customer.data?.name : entityType === 'user' ? staff.get(entityId) : undefined;
  return <NameWithId name={name ?? kind} id={entityId} hint={name ? kind : undefined} />;
}
