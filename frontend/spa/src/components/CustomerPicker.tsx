import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listCustomers } from '../api/customers';
import { ORG_ID, useCustomer } from '../lib/names';

/** A pasted organization id in any letter case, as the API spells it. */
export function asOrgId(text: string): string | undefined {
  const match = /^org_([0-9a-z]{26})$/i.exec(text.trim());
  const id = match ? `org_${match[1].toUpperCase()}` : undefined;
  return id && ORG_ID.test(id) ? id : undefined;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * The search behind the customer pickers: typed text debounced, the customers it finds as options
 * (name · ИНН), a pasted id first; `props` go on the Select.
 */
export function useCustomerSearch(enabled = true) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const typedId = asOrgId(q);
  const found = useQuery({
    queryKey: ['customers', 'picker', q],
    queryFn: () => listCustomers({ q: q || undefined }, undefined, 20),
    enabled: !typedId && enabled,
    staleTime: 30_000,
  });
  const options = (found.data?.items ?? []).map((c) => ({ value: c.id, label: c.inn ? `${c.name} · ИНН ${c.inn}` : c.name }));
  if (typedId && !options.some((o) => o.value === typedId)) options.unshift({ value: typedId, label: typedId });
  return {
    options,
    clear: () => setSearch(''),
    props: {
      showSearch: { filterOption: false as const, onSearch: setSearch, searchValue: search },
      notFoundContent: found.isFetching ? t('customerPicker.searching') : t('customerPicker.nothing'),
      loading: found.isFetching,
    },
  };
}

/**
 * A customer organization for a form field (its value is the `org_…` id): search by name or ИНН,
 * or paste an id.
 */
export function CustomerPicker({ value, onChange, id, style }: {
  value?: string;
  onChange?: (orgId: string | undefined) => void;
  id?: string;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const search = useCustomerSearch();
  // The chosen customer's name, when it came from the address or a pasted id.
  const chosen = useCustomer(value);
  const options = [...search.options];
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: chosen.data?.name ?? value });
  return (
    <Select
      id={id}
      {...search.props}
      allowClear
      value={value}
      onChange={(next: string | undefined) => { onChange?.(next); search.clear(); }}
      placeholder={t('customerPicker.placeholder')}
      options={options}
      style={{ width: '100%', maxWidth: 480, ...style }}
    />
  );
}
