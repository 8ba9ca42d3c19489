import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const ORG_ID = /^org_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A customer organization for a form field (its value is the `org_…` id). Typing or pasting an id
 * offers it as a choice.
 */
export function CustomerPicker({ value, onChange, id, style }: {
  value?: string;
  onChange?: (orgId: string | undefined) => void;
  id?: string;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const typed = search.trim().toUpperCase().replace(/^ORG_/, 'org_');
  const options = [
    ...(ORG_ID.test(typed) ? [{ value: typed, label: typed }] : []),
    ...(value && value !== typed ? [{ value, label: value }] : []),
  ];
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch, searchValue: search }}
      allowClear
      value={value}
      onChange={(next: string | undefined) => { onChange?.(next); setSearch(''); }}
      placeholder={t('customerPicker.placeholder')}
      notFoundContent={t('customerPicker.nothing')}
      options={options}
      style={{ width: '100%', maxWidth: 480, ...style }}
    />
  );
}
