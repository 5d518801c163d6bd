import { useState } from 'react';
import { Alert, Button, Center, Group, Loader, Modal, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { templateInput, type NoteTemplate } from '../../../../src-shared/api/consult';
import { api, errorBody } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { zodFieldErrors } from '../../lib/formErrors';
import { REQUIRED } from '../../lib/required';
import { fieldsFor, useFormSubmit } from '../../lib/useFormSubmit';

/**
 * #/templates — the signed-in doctor's SOAP templates (a starting text for each of the four parts of a note)
 * and quick phrases (a short name that inserts a longer text), used on the consult screen (issue 7).
 */

/** Under 'consult': the core's 'consult' change events refresh it. */
export const templatesKey = ['consult', 'templates'] as const;

export function useTemplates() {
  return useQuery({ queryKey: templatesKey, queryFn: () => api.call('consult.templates', {}) });
}

type Template = Extract<NoteTemplate, { kind: 'template' }>;
type Phrase = Extract<NoteTemplate, { kind: 'phrase' }>;

const SOAP = [
  { key: 'subjective', label: 'Subjective', hint: 'What the patient says: complaints, history' },
  { key: 'objective', label: 'Objective', hint: 'Findings on examination' },
  { key: 'assessment', label: 'Assessment', hint: 'Diagnosis or impression' },
  { key: 'plan', label: 'Plan', hint: 'Treatment, tests, advice, follow-up' },
] as const;

interface Values {
  name: string;
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  text: string;
}

function toInput(kind: NoteTemplate['kind'], v: Values, id?: string) {
  return kind === 'template'
    ? { kind, ...(id ? { id } : {}), name: v.name, body: { subjective: v.subjective, objective: v.objective, assessment: v.assessment, plan: v.plan } }
    : { kind, ...(id ? { id } : {}), name: v.name, body: { text: v.text } };
}

/** API / zod paths ("body.plan") → form fields ("plan"). */
const mapErrors = fieldsFor('body', ['name', 'subjective', 'objective', 'assessment', 'plan', 'text']);

function EditDialog({ kind, item, onClose }: { kind: NoteTemplate['kind']; item: NoteTemplate | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const t = item?.kind === 'template' ? item.body : null;
  const form = useForm<Values>({
    initialValues: {
      name: item?.name ?? '',
      subjective: t?.subjective ?? '',
      objective: t?.objective ?? '',
      assessment: t?.assessment ?? '',
      plan: t?.plan ?? '',
      text: item?.kind === 'phrase' ? item.body.text : '',
    },
    validate: (v) => {
      const parsed = templateInput.safeParse(toInput(kind, v, item?.id));
      const errors = parsed.success ? {} : mapErrors(zodFieldErrors(parsed.error)).errors;
      if (kind === 'template' && !errors.subjective && [v.subjective, v.objective, v.assessment, v.plan].every((s) => s.trim() === '')) {
        errors.subjective = 'Write at least one part of the template.';
      }
      return errors;
    },
  });
  const { busy, refusal, setRefusal, onSubmit } = useFormSubmit(form, mapErrors);
  const submit = onSubmit(async (v) => {
    const saved = await api.call('consult.saveTemplate', toInput(kind, v, item?.id));
    await queryClient.invalidateQueries({ queryKey: templatesKey });
    notifications.show({ color: 'teal', title: 'Saved', message: `${kind === 'template' ? 'Template' : 'Quick phrase'} “${saved.name}” was saved.` });
    onClose();
  });
  const what = kind === 'template' ? 'template' : 'quick phrase';
  return (
    <Modal opened onClose={onClose} title={item ? `Edit ${what} “${item.name}”` : `New ${what}`} size={kind === 'template' ? 'xl' : 'lg'}>
      <form onSubmit={submit} noValidate aria-label={kind === 'template' ? 'SOAP template' : 'Quick phrase'}>
        <Stack gap="sm">
          <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} onClose={() => setRefusal(null)} />
          <TextInput
            label={kind === 'template' ? 'Template name' : 'Short name'}
            description={kind === 'template' ? 'e.g. Viral fever, Diabetes follow-up' : 'What you type to insert it, e.g. “hydr”'}
            {...REQUIRED}
            autoComplete="off"
            maxLength={kind === 'template' ? 80 : 40}
            data-autofocus
            {...form.getInputProps('name')}
          />
          {kind === 'template' ? (
            SOAP.map((s) => <Textarea key={s.key} label={s.label} description={s.hint} autosize minRows={2} maxRows={8} {...form.getInputProps(s.key)} />)
          ) : (
            <Textarea label="Phrase" description="The text inserted into the note" {...REQUIRED} autosize minRows={3} maxRows={10} {...form.getInputProps('text')} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save {what}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RemoveDialog({ item, onClose }: { item: NoteTemplate; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await api.call('consult.removeTemplate', { id: item.id });
      await queryClient.invalidateQueries({ queryKey: templatesKey });
      notifications.show({ color: 'teal', title: 'Removed', message: `“${item.name}” was removed.` });
      onClose();
    } catch (e) {
      setMessage(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Remove “${item.name}”?`}>
      <Stack gap="sm">
        <ApiErrorAlert message={message} onClose={() => setMessage(null)} />
        <Text size="sm">Notes already written with it keep their text.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button color="red" loading={busy} onClick={() => void remove()}>
            Remove
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const preview = (text: string | null, max = 90) => {
  if (!text) return '';
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

function Section<T extends NoteTemplate>({
  title,
  kind,
  items,
  empty,
  describe,
  onEdit,
  onRemove,
  onAdd,
}: {
  title: string;
  kind: T['kind'];
  items: T[];
  empty: string;
  describe: (item: T) => string;
  onEdit: (item: T) => void;
  onRemove: (item: T) => void;
  onAdd: () => void;
}) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={3} fz="md">
          {title}
        </Title>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={onAdd}>
          {kind === 'template' ? 'New template' : 'New quick phrase'}
        </Button>
      </Group>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Table fz="sm" aria-label={title} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={200}>Name</Table.Th>
              <Table.Th>{kind === 'template' ? 'Contents' : 'Text'}</Table.Th>
              <Table.Th w={190} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td fw={600}>{i.name}</Table.Td>
                <Table.Td c="dimmed">{describe(i)}</Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => onEdit(i)} aria-label={`Edit ${i.name}`}>
                      Edit
                    </Button>
                    <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => onRemove(i)} aria-label={`Remove ${i.name}`}>
                      Remove
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

export function TemplatesScreen() {
  const templates = useTemplates();
  const [editing, setEditing] = useState<{ kind: NoteTemplate['kind']; item: NoteTemplate | null } | null>(null);
  const [removing, setRemoving] = useState<NoteTemplate | null>(null);

  let content;
  if (templates.isPending) {
    content = (
      <Center py="xl">
        <Loader aria-label="Loading your templates" />
      </Center>
    );
  } else if (templates.isError) {
    content = <Alert color="red">{errorBody(templates.error).message}</Alert>;
  } else {
    const soap = templates.data.filter((t): t is Template => t.kind === 'template');
    const phrases = templates.data.filter((t): t is Phrase => t.kind === 'phrase');
    content = (
      <Stack gap="md">
        <Section
          title="SOAP templates"
          kind="template"
          items={soap}
          empty="No templates yet. A template fills the four parts of a note in one go."
          describe={(t) =>
            SOAP.map((s) => (t.body[s.key] ? `${s.label[0]}: ${preview(t.body[s.key], 40)}` : null))
              .filter(Boolean)
              .join(' · ')
          }
          onEdit={(item) => setEditing({ kind: 'template', item })}
          onRemove={setRemoving}
          onAdd={() => setEditing({ kind: 'template', item: null })}
        />
        <Section
          title="Quick phrases"
          kind="phrase"
          items={phrases}
          empty="No quick phrases yet. A phrase is a short name that puts a longer text into the note."
          describe={(p) => preview(p.body.text)}
          onEdit={(item) => setEditing({ kind: 'phrase', item })}
          onRemove={setRemoving}
          onAdd={() => setEditing({ kind: 'phrase', item: null })}
        />
      </Stack>
    );
  }

  return (
    <>
      <PageHeader title="Note templates" subtitle="Your own SOAP templates and quick phrases, offered when you write a note." />
      {content}
      {editing && <EditDialog kind={editing.kind} item={editing.item} onClose={() => setEditing(null)} />}
      {removing && <RemoveDialog item={removing} onClose={() => setRemoving(null)} />}
    </>
  );
}
