import { LogoutOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Dropdown, Grid } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { logout } from '../api/auth';
import { useMe } from '../auth/session';
import { signInPath, type Area } from '../lib/area';

export function UserMenu({ area }: { area: Area }) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const screens = Grid.useBreakpoint();

  async function signOut() {
    // Whatever the server answers, this browser forgets the session and everything it showed.
    await logout().catch(() => undefined);
    queryClient.clear();
    void navigate(signInPath(area), { replace: true });
  }

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'profile', icon: <SafetyCertificateOutlined />, label: t('layout.profile') },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: t('layout.signOut') },
        ],
        onClick: ({ key }) => {
          if (key === 'profile') void navigate(`/${area}/profile`);
          if (key === 'logout') void signOut();
        },
      }}
    >
      <Button type="text" icon={<UserOutlined />} aria-label={t('layout.userMenu')}>
        {screens.md ? me.user.name || me.user.email : null}
      </Button>
    </Dropdown>
  );
}
