import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Flex, Form, InputNumber, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { getAlerts, reportingKeys, saveAlerts, type AlertSettings } from '../../../api/fastleadReporting';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useCan } from '../../../lib/permissions';

/** The form's values: a checkbox turns each alert on, its number is kept while it is off. */
interface AlertForm {
  weekly_report: boolean;
  noLeads: boolean;
  no_leads_days: number;
  lowConversion: boolean;
  min_conversion_percent: number;
}

const DEFAULT_NO_LEADS_DAYS = 3;
const DEFAULT_MIN_CONVERSION = 10;

const formOf = (settings: AlertSettings): AlertForm => ({
  weekly_report: settings.weekly_report ?? true,
  noLeads: settings.no_leads_days != null,
  no_leads_days: settings.no_leads_days ?? DEFAULT_NO_LEADS_DAYS,
  lowConversion: settings.min_conversion_percent != null,
  min_conversion_percent: settings.min_conversion_percent ?? DEFAULT_MIN_CONVERSION,
});

const settingsOf = (form: AlertForm): AlertSettings => ({
  weekly_report: form.weekly_report,
  no_leads_days: form.noLeads ? form.no_leads_days : null,
  min_conversion_percent: form.lowConversion ? form.min_conversion_percent : null,
});

/**
 * The weekly e-mail with the metrics and the alerts the owner chooses (no leads for N days, last week's
 * conversion below X %). Those who may read analytics see them; the owner and admins change them.
 */
export function Alerts({ orgId, workspaceId }: { orgId: string; workspaceId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const can = useCan();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AlertForm>();
  const editable = can('app.analytics.alerts');
  const key = reportingKeys.alerts(orgId, workspaceId);
  const alerts = useQuery({ queryKey: key, queryFn: () => getAlerts(orgId, workspaceId) });
  const save = useMutation({
    mutationFn: (values: AlertForm) => saveAlerts(orgId, workspaceId, settingsOf(values)),
    onSuccess: (saved) => {
      queryClient.setQueryData(key, saved);
      void message.success(t('fastlead.analytics.alerts.saved'));
    },
    onError: (error) => showError(error, form),
  });
  const noLeads = Form.useWatch('noLeads', form);
  const lowConversion = Form.useWatch('lowConversion', form);

  return (
    <Card title={t('fastlead.analytics.alerts.title')}>
      {alerts.isPending && <PageSpin />}
      {alerts.isError && <ErrorState error={alerts.error} onRetry={() => void alerts.refetch()} />}
      {alerts.data && (
        <Form<AlertForm> form={form} initialValues={formOf(alerts.data)} disabled={!editable} onFinish={(values) => save.mutate(values)}>
          <Form.Item name="weekly_report" valuePropName="checked" label={t('fastlead.analytics.alerts.weekly')}>
            <Switch />
          </Form.Item>
          <Flex gap={8} align="baseline" wrap>
            <Form.Item name="noLeads" valuePropName="checked" noStyle>
              <Checkbox>{t('fastlead.analytics.alerts.noLeads')}</Checkbox>
            </Form.Item>
            <Form.Item name="no_leads_days" rules={[{ required: true, message: t('validation.required') }]}>
              <InputNumber
                min={1}
                max={90}
                precision={0}
                disabled={!editable || !noLeads}
                aria-label={t('fastlead.analytics.alerts.noLeadsDays')}
                suffix={t('fastlead.analytics.alerts.days')}
              />
            </Form.Item>
          </Flex>
          <Flex gap={8} align="baseline" wrap>
            <Form.Item name="lowConversion" valuePropName="checked" noStyle>
              <Checkbox>{t('fastlead.analytics.alerts.lowConversion')}</Checkbox>
            </Form.Item>
            <Form.Item name="min_conversion_percent" rules={[{ required: true, message: t('validation.required') }]}>
              <InputNumber
                min={1}
                max={100}
                precision={0}
                disabled={!editable || !lowConversion}
                aria-label={t('fastlead.analytics.alerts.minConversion')}
                suffix="%"
              />
            </Form.Item>
          </Flex>
          {editable ? (
            <Button type="primary" htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
          ) : (
            <Typography.Text type="secondary">{t('fastlead.analytics.alerts.readOnly')}</Typography.Text>
          )}
        </Form>
      )}
    </Card>
  );
}
