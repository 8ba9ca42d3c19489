import { useQueries, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getCustomer, listCustomers } from '../../api/customers';
import { asOrgId } from '../../components/CustomerPicker';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Several customer organizations (values are `org_…` ids): search by name or ИНН, or paste an id. */
export function CustomersSelect({ value, onChange, id, disabled }: {
  value?: string[];
  onChange?: (orgIds: string[]) => void;
  id?: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const { t: n } = useTranslation('notifications');
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const typedId = asOrgId(q);
  const chosen = value ?? [];
  const found = useQuery({
    queryKey: ['customers', 'picker', q],
    queryFn: () => listCustomers({ q: q || undefined }, undefined, 20),
    enabled: !typedId && !disabled,
    staleTime: 30_000,
  });
  // The chosen customers' names (the same cache entries the customer picker fills).
  const names = useQueries({
    queries: chosen.map((orgId) => ({
      queryKey: ['customers', 'one', orgId],
      queryFn: () => getCustomer(orgId),
      staleTime: 60_000,
      retry: false,
    })),
  });
  const options = (found.data?.items ?? []).map((c) => ({ value: c.id, label: c.inn ? `${c.name} · ИНН ${c.inn}` : c.name }));
  if (typedId && !options.some((o) => o.value === typedId)) options.unshift({ value: typedId, label: typedId });
  chosen.forEach((orgId, i) => {
    if (!options.some((o) => o.value === orgId)) options.push({ value: orgId, label: names[i]?.data?.name ?? orgId });
  });
  return (
    <Select
      id={id}
      mode="multiple"
      disabled={disabled}
      showSearch={{ filterOption: false, onSearch: setSearch, searchValue: search }}
      allowClear
      value={chosen}
      onChange={(next: string[]) => { onChange?.(next); setSearch(''); }}
      placeholder={n('customers.placeholder')}
      notFoundContent={found.isFetching ? t('customerPicker.searching') : t('customerPicker.nothing')}
      loading={found.isFetching}
      options={options}
      style={{ width: '100%' }}
    />
  );
}
