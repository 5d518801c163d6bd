import { Anchor, Button, Group, Menu, Text } from '@mantine/core';
import { IconChevronDown, IconTemplate, IconTextPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { NoteTemplate } from '../../../../src-shared/api/consult';
import { useNoteTemplates } from '../../api/consult';

export type SoapField = 'subjective' | 'objective' | 'assessment' | 'plan';
export const SOAP_FIELDS: readonly SoapField[] = ['subjective', 'objective', 'assessment', 'plan'];
export const SOAP_LABELS: Record<SoapField, string> = { subjective: 'Subjective', objective: 'Objective', assessment: 'Assessment', plan: 'Plan' };

type Template = Extract<NoteTemplate, { kind: 'template' }>;
type Phrase = Extract<NoteTemplate, { kind: 'phrase' }>;

/**
 * The doctor's SOAP templates (fill only the fields still empty) and quick phrases (inserted where the cursor
 * was in the last SOAP field used). Both are written on the Templates screen.
 */
export function NoteTemplatePicker({ enabled, onTemplate, onPhrase }: { enabled: boolean; onTemplate: (t: Template) => void; onPhrase: (p: Phrase) => void }) {
  const templates = useNoteTemplates(enabled);
  if (!enabled) return null;
  const all = templates.data ?? [];
  const soap = all.filter((t): t is Template => t.kind === 'template');
  const phrases = all.filter((t): t is Phrase => t.kind === 'phrase');
  return (
    <Group gap={6} wrap="nowrap">
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="compact-xs" variant="light" leftSection={<IconTemplate size={14} />} rightSection={<IconChevronDown size={12} />} loading={templates.isPending}>
            Template
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Fills the empty fields only</Menu.Label>
          {soap.length === 0 && <Menu.Item disabled>No templates yet</Menu.Item>}
          {soap.map((t) => (
            <Menu.Item key={t.id} onClick={() => onTemplate(t)}>
              {t.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item component={Link} to="/templates">
            Manage templates…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="compact-xs" variant="light" leftSection={<IconTextPlus size={14} />} rightSection={<IconChevronDown size={12} />} loading={templates.isPending}>
            Quick phrase
          </Button>
        </Menu.Target>
        <Menu.Dropdown maw={320}>
          <Menu.Label>Inserted where the cursor is</Menu.Label>
          {phrases.length === 0 && (
            <Menu.Item disabled>
              <Text size="sm">
                No quick phrases yet —{' '}
                <Anchor component={Link} to="/templates" size="sm">
                  add some
                </Anchor>
              </Text>
            </Menu.Item>
          )}
          {phrases.map((p) => (
            <Menu.Item key={p.id} onClick={() => onPhrase(p)} title={p.body.text}>
              <Text size="sm" fw={500}>
                {p.name}
              </Text>
              <Text size="xs" c="dimmed" lineClamp={1}>
                {p.body.text}
              </Text>
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
