import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Flex, Form, Input, Modal, Row, Timeline, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  changeLeadStatus, fastleadKeys, getLead, STATUS_MOVES, type LeadDetail, type LeadEvent, type LeadStatus,
} from '../../../api/fastlead';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { LeadReply } from './LeadReply';
import { contactOf } from './LeadsList';
import { ChannelTag, StatusTag, UpgradeHint, useMemberNames } from './shared';
import { useWorkspace } from './WorkspaceLayout';

/** One lead: contacts, where it came from, the consent given, its timeline, and moving it on. */
export default function LeadCard() {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const { leadId = '' } = useParams();
  const lead = useQuery({
    queryKey: fastleadKeys.lead(orgId, workspace.id, leadId),
    queryFn: () => getLead(orgId, workspace.id, leadId),
  });
  const back = (
    <Link to={`/app/fastlead/${workspace.id}/leads`}><ArrowLeftOutlined /> {t('fastlead.lead.back')}</Link>
  );
  if (lead.isPending) return <PageSpin />;
  if (lead.isError) return <>{back}<ErrorState error={lead.error} onRetry={() => void lead.refetch()} /></>;
  return <LeadView lead={lead.data} back={back} />;
}

function LeadView({ lead, back }: { lead: LeadDetail; back: ReactNode }) {
  const { t } = useTranslation();
  const { orgId } = useWorkspace();
  const dateTime = useDateTime();
  const can = useCan();
  const [moving, setMoving] = useState<LeadStatus | null>(null);
  const mayMove = can('app.leads.update') && !lead.locked;
  const utm = Object.entries(lead.utm);

  return (
    <Flex vertical gap={16}>
      {back}
      <Flex align="center" gap={8} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {lead.locked ? t('fastlead.leads.locked') : contactOf(lead) || t('fastlead.leads.noContact')}
        </Typography.Title>
        <StatusTag status={lead.status} />
        <ChannelTag channel={lead.channel} />
      </Flex>
      {lead.locked && <UpgradeHint locked title={t('fastlead.lead.lockedNotice')} />}
      {mayMove && (
        <Flex gap={8} wrap role="group" aria-label={t('fastlead.lead.changeStatus')}>
          {STATUS_MOVES[lead.status].map((status) => (
            <Button key={status} danger={status === 'lost'} onClick={() => setMoving(status)}>
              {t(`fastlead.lead.moveTo.${status}`)}
            </Button>
          ))}
        </Flex>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('fastlead.lead.details')}>
            <Descriptions column={1} size="small">
              {!lead.locked && (
                <>
                  <Descriptions.Item label={t('fastlead.lead.name')}>{lead.name ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('fastlead.lead.phone')}>
                    {lead.phone ? <a href={`tel:${lead.phone}`}>{lead.phone}</a> : '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('fastlead.lead.email')}>
                    {lead.email ? <a href={`mailto:${lead.email}`}>{lead.email}</a> : '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('fastlead.lead.message')}>
                    <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{lead.message ?? '—'}</Typography.Text>
                  </Descriptions.Item>
                </>
              )}
              <Descriptions.Item label={t('fastlead.lead.created')}>{dateTime(lead.created_at)}</Descriptions.Item>
              <Descriptions.Item label={t('fastlead.lead.page')}>
                {lead.page_url ? <Typography.Text copyable ellipsis={{ tooltip: lead.page_url }}>{lead.page_url}</Typography.Text> : '—'}
              </Descriptions.Item>
              {lead.referrer && <Descriptions.Item label={t('fastlead.lead.referrer')}>{lead.referrer}</Descriptions.Item>}
              {utm.length > 0 && (
                <Descriptions.Item label="UTM">{utm.map(([key, value]) => `${key}=${value}`).join(', ')}</Descriptions.Item>
              )}
              {lead.consent && (
                <Descriptions.Item label={t('fastlead.lead.consent')}>
                  {lead.consent.accepted
                    ? t('fastlead.lead.consentGiven', {
                      version: lead.consent.text_version ?? '—', date: dateTime(lead.consent.at), ip: lead.consent.ip ?? '—',
                    })
                    : t('fastlead.lead.consentNotGiven')}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Flex vertical gap={16}>
            {mayMove && <LeadReply lead={lead} />}
            <Card title={t('fastlead.lead.timeline')}>
              <LeadTimeline events={lead.timeline} orgId={orgId} />
            </Card>
          </Flex>
        </Col>
      </Row>
      {moving && <StatusDialog lead={lead} status={moving} onClose={() => setMoving(null)} />}
    </Flex>
  );
}

function LeadTimeline({ events, orgId }: { events: LeadEvent[]; orgId: string }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const names = useMemberNames(orgId);
  const status = (value: unknown) => t(`fastlead.status.${String(value)}`, { defaultValue: String(value) });
  const eventTitle = (event: LeadEvent) => {
    const { data } = event;
    switch (event.kind) {
      case 'form': return t('fastlead.lead.event.form');
      case 'message': {
        const channel = t(`fastlead.channels.kinds.${String(data.channel)}`, { defaultValue: String(data.channel) });
        // the client's answer through a channel's webhook, or an operator's reply
        if (data.direction !== 'in') return t('fastlead.channels.reply.event', { channel, to: String(data.to ?? '') });
        // a locked lead's answer comes without the phone, as the lead's own contacts do
        return typeof data.from === 'string'
          ? t('fastlead.channels.reply.eventIn', { channel, from: data.from })
          : t('fastlead.channels.reply.eventInHidden', { channel });
      }
      case 'booking': return t(`fastlead.channels.calendar.event.${String(data.trigger)}`, {
        title: String(data.title ?? data.uid ?? ''), defaultValue: String(data.trigger),
      });
      default: return t('fastlead.lead.event.status', { from: status(data.from), to: status(data.to) });
    }
  };
  // what was said: a status change's note, a message's text (or what it carried instead), a booking's time
  const eventText = ({ kind, data }: LeadEvent): string | null => {
    const text = kind === 'status' ? data.note : kind === 'message' ? data.text : null;
    if (kind === 'message' && !text && typeof data.media === 'string') {
      return t('fastlead.channels.reply.media', { media: data.media });
    }
    if (typeof text === 'string') return text;
    return kind === 'booking' && typeof data.start === 'string' ? dateTime(data.start) : null;
  };
  return (
    <Timeline
      items={events.map((event) => ({
        key: `${event.at}-${event.kind}`,
        content: (
          <Flex vertical>
            <Typography.Text strong>{eventTitle(event)}</Typography.Text>
            {eventText(event) && <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{eventText(event)}</Typography.Text>}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {dateTime(event.at)}
              {' · '}
              {event.actor === 'calcom' ? 'Cal.com'
                : event.actor ? names.get(event.actor) ?? event.actor
                  : event.kind === 'message' ? t('fastlead.lead.client') : t('fastlead.lead.visitor')}
            </Typography.Text>
          </Flex>
        ),
      }))}
    />
  );
}

/** Moves the lead to `status` with a note; losing a lead needs its reason (the funnel's "why"). */
function StatusDialog({ lead, status, onClose }: { lead: LeadDetail; status: LeadStatus; onClose: () => void }) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ note?: string }>();
  const lost = status === 'lost';
  const change = useMutation({
    mutationFn: (note: string | null) => changeLeadStatus(orgId, workspace.id, lead.id, { status, note }),
    onSuccess: async () => {
      onClose();
      void message.success(t('fastlead.lead.moved', { status: t(`fastlead.status.${status}`) }));
      await queryClient.invalidateQueries({ queryKey: fastleadKeys.leads(orgId, workspace.id) });
    },
    onError: (error) => showError(error, form),
  });
  return (
    <Modal
      open
      title={t('fastlead.lead.moveTitle', { status: t(`fastlead.status.${status}`) })}
      okText={t(`fastlead.lead.moveTo.${status}`)}
      okButtonProps={{ danger: lost }}
      cancelText={t('common.cancel')}
      confirmLoading={change.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} onFinish={({ note }) => change.mutate(note?.trim() || null)}>
        <Form.Item
          name="note"
          label={lost ? t('fastlead.lead.reason') : t('fastlead.lead.note')}
          rules={lost ? [{ required: true, whitespace: true, message: t('fastlead.lead.reasonRequired') }] : []}
        >
          <Input.TextArea autoFocus autoSize={{ minRows: 3, maxRows: 6 }} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
