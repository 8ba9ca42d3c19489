import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { fastleadKeys, listWorkspaces } from '../../../api/fastlead';
import { useMe } from '../../../auth/session';
import { workspacePath } from './paths';

/**
 * The header's workspace picker, on a workspace's pages when the organization has more than one active:
 * switching keeps the tab (a lead's card goes to the other workspace's leads).
 */
export function WorkspaceSwitcher() {
  const { t } = useTranslation();
  const orgId = useMe().current.org_id;
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const here = workspacePath(pathname);
  const workspaces = useQuery({
    queryKey: fastleadKeys.workspaces(orgId ?? ''),
    queryFn: () => listWorkspaces(orgId!),
    enabled: !!orgId && !!here,
  });
  if (!here || !workspaces.data) return null;
  const options = workspaces.data.items
    .filter((w) => w.status === 'active' || w.id === here.workspaceId)
    .map((w) => ({ value: w.id, label: w.name }));
  if (options.length < 2) return null;
  return (
    <Select
      aria-label={t('fastlead.workspaces.switch')}
      style={{ width: '100%', maxWidth: 260, minWidth: 0 }}
      value={here.workspaceId}
      options={options}
      onChange={(workspaceId: string) => void navigate(`/app/fastlead/${workspaceId}/${here.tab}`)}
    />
  );
}
