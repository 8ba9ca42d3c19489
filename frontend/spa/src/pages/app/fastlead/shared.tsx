import { LockOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Tag, Typography, type FormInstance, type FormItemProps } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fastleadKeys, type LeadChannel, type LeadStatus } from '../../../api/fastlead';
import { isApiError } from '../../../api/errors';
import { fieldPathFromLoc, type FieldPath } from '../../../api/fieldErrors';
import { listMembers } from '../../../api/team';
import { describeError } from '../../../components/errors';
import { useCan } from '../../../lib/permissions';

export const STATUS_COLORS: Record<LeadStatus, string> = {
  new: 'blue', contacted: 'gold', booked: 'green', lost: 'default',
};

export function StatusTag({ status }: { status: LeadStatus }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[status]}>{t(`fastlead.status.${status}`)}</Tag>;
}

export function ChannelTag({ channel }: { channel: LeadChannel }) {
  const { t } = useTranslation();
  return <Tag>{t(`fastlead.channel.${channel}`)}</Tag>;
}

/** Plan refusals the API answers with 403 (tessera.workspaces.service): an upgrade or a payment fixes them. */
const PLAN_CODES = new Set(['plan-required', 'subscription-read-only', 'subscription-blocked', 'workspace-limit']);

export function isPlanRefusal(error: unknown): boolean {
  return isApiError(error) && PLAN_CODES.has(error.code);
}

/**
 * Why something needs a better (or a paid) plan, with the way there: «Тариф и оплата» for those who may
 * change the plan, a word to ask the owner for everyone else.
 */
export function UpgradeHint({ title, locked = false }: { title: string; locked?: boolean }) {
  const { t } = useTranslation();
  const mayPay = useCan()('app.billing.change');
  return (
    <Alert
      type="warning"
      showIcon
      icon={locked ? <LockOutlined /> : undefined}
      title={title}
      description={mayPay
        ? <Link to="/app/billing">{t('fastlead.upgrade.link')}</Link>
        : t('fastlead.upgrade.askOwner')}
    />
  );
}

/**
 * A secret the server shows only in the answer that made it (a webhook secret, a verify token): copyable
 * with a warning while this page holds it, then only a word that it was shown.
 */
export function SecretShownOnce({ secret, label, once, shown }: {
  secret: string | null | undefined; label: string; once: string; shown: string;
}) {
  return secret
    ? (
      <Alert
        type="warning"
        showIcon
        title={once}
        description={<Typography.Text code copyable aria-label={label}>{secret}</Typography.Text>}
      />
    )
    : <Typography.Text type="secondary">{shown}</Typography.Text>;
}

/**
 * Server field errors next to the form's fields, down to list items and nested settings
 * (`body.allowed_origins.1`, `body.colors.primary`). A model-wide error lands on the field that fixes it
 * (`renames`: `body.consent` of `consent_text_required` → `consent.text`), else on the nearest enclosing
 * field the form has; the rest is a message. The form's own paths may differ from the body's (`remap`).
 */
export function useFormErrors() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (error: unknown, form: FormInstance, options: {
      renames?: Record<string, string>;
      remap?: (path: FieldPath) => FieldPath;
    } = {}) => {
      if (!isApiError(error) || error.errors.length === 0) {
        void message.error(describeError(error, t));
        return;
      }
      const registered = new Set(form.getFieldsError().map((field) => field.name.join('.')));
      const byField = new Map<string, { name: FieldPath; errors: string[] }>();
      const unmatched: string[] = [];
      for (const fieldError of error.errors) {
        const loc = fieldPathFromLoc(fieldError.loc);
        if (!loc) {
          unmatched.push(fieldError.msg);
          continue;
        }
        const suffix = options.renames?.[fieldError.code];
        const named = suffix ? [...loc, suffix] : loc;
        let path = options.remap?.(named) ?? named;
        while (path.length > 0 && !registered.has(path.join('.'))) path = path.slice(0, -1);
        if (path.length === 0) {
          unmatched.push(fieldError.msg);
          continue;
        }
        const key = path.join('.');
        const entry = byField.get(key) ?? { name: path, errors: [] };
        entry.errors.push(fieldError.msg);
        byField.set(key, entry);
      }
      form.setFields([...byField.values()]);
      if (unmatched.length > 0) void message.error(unmatched.join('; '));
    },
    [message, t],
  );
}

/**
 * An editable list of short texts (allowed origins, quick replies): one input a line, add and remove.
 * `itemRules` check each line; a server error on `name.N` shows under line N.
 */
export function EditableList({ name, label, addLabel, max, itemRules, placeholder, disabled }: {
  name: string; label: string; addLabel: string; max: number; itemRules?: FormItemProps['rules']; placeholder?: string; disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Form.List name={name}>
      {(fields, { add, remove }, { errors }) => (
        <Form.Item label={label} required={false}>
          <Flex vertical gap={8}>
            {fields.map((field, index) => (
              <Flex key={field.key} gap={8} align="start">
                <Form.Item
                  name={field.name}
                  style={{ flex: 1, marginBottom: 0 }}
                  rules={[{ required: true, whitespace: true, message: t('fastlead.list.empty') }, ...(itemRules ?? [])]}
                  validateTrigger="onBlur"
                >
                  <Input aria-label={`${label} ${index + 1}`} placeholder={placeholder} disabled={disabled} />
                </Form.Item>
                {!disabled && (
                  <Button
                    type="text"
                    icon={<MinusCircleOutlined />}
                    aria-label={t('fastlead.list.remove', { item: `${label} ${index + 1}` })}
                    onClick={() => remove(field.name)}
                  />
                )}
              </Flex>
            ))}
            {!disabled && fields.length < max && (
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} style={{ alignSelf: 'flex-start' }}>
                {addLabel}
              </Button>
            )}
            <Form.ErrorList errors={errors} />
          </Flex>
        </Form.Item>
      )}
    </Form.List>
  );
}

/** The organization's people by user id, to name who changed a lead (the team list is open to every role). */
export function useMemberNames(orgId: string): Map<string, string> {
  const members = useQuery({
    queryKey: fastleadKeys.members(orgId),
    queryFn: () => listMembers(orgId),
    staleTime: 60_000,
  });
  return new Map((members.data?.items ?? []).flatMap((m) => (m.user_id ? [[m.user_id, m.name || m.email] as const] : [])));
}
