import { useQuery } from '@tanstack/react-query';
import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { getCustomer } from '../api/customers';
import { queryKeys } from '../api/queryKeys';
import { listStaff } from '../api/staff';
import { useCan } from './permissions';

/** An organization id as the API spells it. */
export const ORG_ID = /^org_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A customer's card by id, shared by every place that names a customer it only has the id of (the
 * wizard's review, the audit log, grants, the delivery log): one request per customer, cached.
 */
export function useCustomer(orgId: string | null | undefined) {
  return useQuery({
    queryKey: queryKeys.customer(orgId ?? ''),
    queryFn: () => getCustomer(orgId!),
    enabled: !!orgId && ORG_ID.test(orgId),
    staleTime: 60_000,
    retry: false,
  });
}

/** Staff users' names by id, for the roles that may read the staff list (admin, auditor). */
export function useStaffNames(): Map<string, string> {
  const canRead = useCan()('console.staff.read');
  const staff = useQuery({ queryKey: queryKeys.staffOptions, queryFn: () => listStaff({ limit: 100 }), enabled: canRead, staleTime: 60_000 });
  return new Map((staff.data?.items ?? []).map((user) => [user.id, user.name || user.email]));
}

/** A name for people with the id under it, small and cut to the column (the whole id on hover). */
export function NameWithId({ name, id, hint }: { name: ReactNode; id: string; hint?: string }) {
  return (
    <Flex vertical style={{ minWidth: 0 }}>
      <Typography.Text ellipsis={typeof name === 'string' ? { tooltip: name } : true}>{name}</Typography.Text>
      <Typography.Text type="secondary" ellipsis={{ tooltip: id }} style={{ fontSize: 12 }}>
        {hint ? `${hint} · ${id}` : id}
      </Typography.Text>
    </Flex>
  );
}

/** A customer by name, linking to its card; its id under it (and alone while the name loads or is unknown). */
export function CustomerName({ orgId, to }: { orgId: string | null | undefined; to?: string }) {
  const card = useCustomer(orgId);
  if (!orgId) return <>—</>;
  const name = card.data?.name;
  if (!name) return <Typography.Text type="secondary" ellipsis={{ tooltip: orgId }}>{orgId}</Typography.Text>;
  return <NameWithId name={<Link to={to ?? `/console/customers/${orgId}`}>{name}</Link>} id={orgId} />;
}
