import { useQuery } from '@tanstack/react-query';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { listProducts, type Activation, type LicenseState, type Limit, type Product } from '../api/licensing';
import { queryKeys } from '../api/queryKeys';

/** The catalog changes rarely: one request per session is enough for names and plan defaults. */
export function useCatalog(enabled = true) {
  return useQuery({ queryKey: queryKeys.catalog, queryFn: listProducts, staleTime: 5 * 60_000, enabled });
}

export function findProduct(products: Product[] | undefined, code: string | undefined): Product | undefined {
  return products?.find((p) => p.code === code);
}

/** Module, plan and product names in the UI language; an unknown code shows as it is. */
export function useCatalogNames(products: Product[] | undefined) {
  const { i18n } = useTranslation();
  const english = i18n.resolvedLanguage === 'en';
  return {
    module: (productCode: string, code: string) => {
      const module = findProduct(products, productCode)?.modules.find((m) => m.code === code);
      return module ? (english ? module.name_en : module.name) : code;
    },
    plan: (productCode: string, code: string) => findProduct(products, productCode)?.plans.find((p) => p.code === code)?.name ?? code,
    product: (code: string) => findProduct(products, code)?.name ?? code,
  };
}

const STATE_COLOR: Record<LicenseState, string> = {
  VALID: 'success',
  NOT_YET_VALID: 'processing',
  IN_GRACE: 'warning',
  EXPIRED: 'default',
  SUSPENDED: 'orange',
  REVOKED: 'error',
  UNKNOWN_LICENSE: 'default',
};

export function LicenseStateTag({ state }: { state: LicenseState }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLOR[state]}>{t(`licenseState.${state}`)}</Tag>;
}

export const PAYMENT_COLOR = { paid: 'success', awaiting: 'processing', overdue: 'error' } as const;

const ACTIVATION_COLOR: Record<Activation['state'], string> = { active: 'success', stale: 'warning', inactive: 'default' };

export function ActivationStateTag({ state }: { state: Activation['state'] }) {
  const { t } = useTranslation();
  return <Tag color={ACTIVATION_COLOR[state]}>{t(`activationState.${state}`)}</Tag>;
}

/** "50 · мягкий ×1.1 · оповещения 80 %, 100 %" */
export function useLimitText() {
  const { t } = useTranslation();
  return (limit: Limit) => {
    const parts = [String(limit.value), t(`limitMode.${limit.mode}`)];
    if (limit.mode === 'soft') parts[1] += ` ×${limit.overage_ratio}`;
    if (limit.alert_thresholds?.length) parts.push(t('licenses.alertsAt', { thresholds: limit.alert_thresholds.map((v) => `${v} %`).join(', ') }));
    return parts.join(' · ');
  };
}
