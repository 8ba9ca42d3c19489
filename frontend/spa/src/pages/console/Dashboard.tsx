import { Card, Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

/** A placeholder that says so: there is nothing to measure until licensing and billing exist. */
export default function Dashboard() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('dashboard.title')} />
      <Card>
        <Empty description={t('dashboard.empty')} />
      </Card>
    </>
  );
}
