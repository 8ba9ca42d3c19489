import { App, Button, Result, type FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/errors';
import { mapFieldErrors } from '../api/fieldErrors';

/** A sentence for people: the server's localized detail when it sent one, else ours by status. */
export function describeError(error: unknown, t: TFunction): string {
  if (!isApiError(error)) return t('errors.unexpected');
  if (error.status === 0) return t('errors.network');
  if (error.detail && error.type !== 'gateway') return error.detail;
  if (error.status === 401) return t('errors.unauthorized');
  if (error.status === 403) return t('errors.forbidden');
  if (error.status === 404) return t('errors.notFound');
  if (error.status === 429) return t('errors.rateLimited');
  if (error.status >= 500) return t('errors.server');
  return t('errors.unexpected');
}

/**
 * Shows a failed call: field errors next to the form's fields (`body.email` → `email`), anything
 * else as a message.
 */
export function useShowError(): (error: unknown, form?: FormInstance) => void {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (error: unknown, form?: FormInstance) => {
      if (form && isApiError(error) && error.errors.length > 0) {
        const { fields, unmatched } = mapFieldErrors(error.errors, Object.keys(form.getFieldsValue()));
        form.setFields(fields);
        if (unmatched.length === 0) return;
        void message.error(unmatched.map((e) => e.msg).join('; '));
        return;
      }
      void message.error(describeError(error, t));
    },
    [message, t],
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const forbidden = isApiError(error) && error.status === 403;
  return (
    <Result
      status={forbidden ? '403' : 'warning'}
      title={forbidden ? t('errors.forbiddenTitle') : t('errors.loadFailed')}
      subTitle={describeError(error, t)}
      extra={onRetry && !forbidden ? <Button onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}

/**
 * For Popconfirm's onConfirm: it waits on the promise to show progress; the mutation's onError has
 * already shown a failure, so the rejection is not left unhandled.
 */
export function settled(promise: Promise<unknown>): Promise<void> {
  return promise.then(() => undefined, () => undefined);
}
