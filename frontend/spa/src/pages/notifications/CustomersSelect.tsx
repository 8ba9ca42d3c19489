import { useQueries } from '@tanstack/react-query';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { getCustomer } from '../../api/customers';
import { queryKeys } from '../../api/queryKeys';
import { useCustomerSearch } from '../../components/CustomerPicker';

/** Several customer organizations (values are `org_…` ids): search by name or ИНН, or paste an id. */
export function CustomersSelect({ value, onChange, id, disabled }: {
  value?: string[];
  onChange?: (orgIds: string[]) => void;
  id?: string;
  disabled?: boolean;
}) {
  const { t: n } = useTranslation('notifications');
  const search = useCustomerSearch(!disabled);
  const chosen = value ?? [];
  // The chosen customers' names (the same cache entries the customer picker fills).
  const names = useQueries({
    queries: chosen.map((orgId) => ({
      queryKey: queryKeys.customer(orgId),
      queryFn: () => getCustomer(orgId),
      staleTime: 60_000,
      retry: false,
    })),
  });
  const options = [...search.options];
  chosen.forEach((orgId, i) => {
    if (!options.some((o) => o.value === orgId)) options.push({ value: orgId, label: names[i]?.data?.name ?? orgId });
  });
  return (
    <Select
      id={id}
      mode="multiple"
      disabled={disabled}
      {...search.props}
      allowClear
      value={chosen}
      onChange={(next: string[]) => { onChange?.(next); search.clear(); }}
      placeholder={n('customers.placeholder')}
      options={options}
      style={{ width: '100%' }}
    />
  );
}
