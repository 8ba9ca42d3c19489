import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DunningState, DunningStep } from '../../../api/billing';

const INVOICE_STEPS = new Set(['check', 'restore', 'done']);
const STATE_COLOR: Record<DunningState, string> = { running: 'processing', restored: 'green', suspended: 'red', failed: 'orange' };

export function DunningStateTag({ state }: { state: DunningState }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLOR[state]}>{t(`billing.dunning.state.${state}`)}</Tag>;
}

/** A step («mail:declined») and its outcome («retry») as people read them; unknown ones as the API names them. */
export function useDunningStep(): (step: Pick<DunningStep, 'step' | 'outcome'>) => { step: string; outcome: string } {
  const { t } = useTranslation();
  return ({ step, outcome }) => {
    const [kind, letter] = step.split(':');
    const stepLabel = kind === 'mail' && letter
      ? t('billing.dunning.steps.mail', { letter: t(`billing.dunning.letters.${letter}`, { defaultValue: letter }) })
      : t(`billing.dunning.steps.${kind}`, { defaultValue: step });
    const [word, ...rest] = outcome.split(' ');
    // check, restore and done record the invoice's status; the other steps their own outcome
    const outcomeLabel = INVOICE_STEPS.has(kind)
      ? t(`billing.invoiceStatus.${outcome}`, { defaultValue: outcome })
      : t(`billing.dunning.outcomes.${word}`, { defaultValue: outcome, rest: rest.join(' ') });
    return { step: stepLabel, outcome: outcomeLabel };
  };
}
