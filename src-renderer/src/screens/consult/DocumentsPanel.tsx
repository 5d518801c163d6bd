import { useEffect, useState } from 'react';
import { Alert, Badge, Box, Button, Center, FileInput, Group, Loader, Modal, Paper, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconFileTypePdf, IconPaperclip, IconPhoto } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, type DocumentInfo, type DocumentType } from '../../../../src-shared/api/consult';
import { formatDisplayInstant } from '../../../../src-shared/dates';
import { api, errorBody } from '../../api/client';
import { useSession } from '../../app/auth';
import { useCan } from '../../app/Guard';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { focusFirstError, mapApiFieldErrors } from '../../lib/formErrors';
import { REQUIRED } from '../../lib/required';

/**
 * A patient's attached documents (scanned lab reports, referral letters, images): the list, "Attach report" for
 * the treating doctor, and each file shown on "Open". Images show inside the app; PDFs are offered as a download,
 * because the app's Content-Security-Policy (src-shared/csp.ts) allows no frames and no plugins (object-src 'none'),
 * so a PDF cannot be embedded.
 */

/** Under 'consult': the core names 'consult' after every attachment, so LiveUpdates refreshes the list. */
export const documentsKey = (patientId: string) => ['consult', 'documents', patientId] as const;

/**
 * The file itself: deliberately not under 'consult' (notes autosave every few seconds and each save would fetch the
 * whole file again). A document's bytes never change (the core checks them against the recorded SHA-256).
 */
const fileKey = (id: string) => ['document-file', id] as const;

const KIND: Record<DocumentType, { label: string; ext: string }> = {
  'application/pdf': { label: 'PDF', ext: 'pdf' },
  'image/jpeg': { label: 'JPEG image', ext: 'jpg' },
  'image/png': { label: 'PNG image', ext: 'png' },
};

const ACCEPT = DOCUMENT_TYPES.join(',');
const MAX_MB = MAX_DOCUMENT_BYTES / (1024 * 1024);

/** "820 KB", "2.4 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The file's type as the API names it: from the browser, or from the file name when the browser does not say. */
function typeOf(file: File): DocumentType | null {
  if ((DOCUMENT_TYPES as readonly string[]).includes(file.type)) return file.type as DocumentType;
  if (file.type) return null;
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  if (ext === 'pdf') return 'application/pdf';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'png') return 'image/png';
  return null;
}

/** What is wrong with a chosen file before it is sent, in plain words (the core checks again). */
function fileProblem(file: File): string | null {
  if (!typeOf(file)) return 'This file is not a PDF, JPEG or PNG. Choose a PDF or a photo of the report.';
  if (file.size === 0) return 'This file is empty. Choose it again.';
  if (file.size > MAX_DOCUMENT_BYTES) return `This file is ${fileSize(file.size)}, over the ${MAX_MB} MB limit. Scan it at a lower resolution or as a smaller PDF.`;
  return null;
}

/** The file's bytes as base64, without the "data:…;base64," prefix FileReader puts in front. */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

function downloadName(doc: DocumentInfo): string {
  const base = doc.title.replace(/[\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim() || 'document';
  return `${base}.${KIND[doc.mimeType].ext}`;
}

/** A blob: URL for the file while it is shown, revoked when it is not (pass the query's own, stable, data). */
function useBlobUrl(file: { dataBase64: string; document: { mimeType: string } } | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file) {
      setUrl(null);
      return;
    }
    const binary = atob(file.dataBase64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const u = URL.createObjectURL(new Blob([bytes], { type: file.document.mimeType }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url;
}

const FIELDS = ['title', 'file'];

function AttachDialog({ patientId, appointmentId, labResultId, onClose }: { patientId: string; appointmentId: string | null; labResultId: string | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<{ message: string; extra: string[] } | null>(null);

  const choose = (f: File | null) => {
    setFile(f);
    setError(null);
    const problem = f ? fileProblem(f) : null;
    setFields((prev) => {
      const { file: _old, ...rest } = prev;
      void _old;
      return problem ? { ...rest, file: problem } : rest;
    });
    // A title to start from: the file's name without its extension, when none was typed yet.
    if (f && title.trim() === '') setTitle(f.name.replace(/\.[^.]+$/, '').replace(/[_]+/g, ' ').slice(0, 120));
  };

  const attach = async () => {
    if (busy) return;
    const problems: Record<string, string> = {};
    if (title.trim() === '') problems.title = 'Give the document a title, for example "Blood test report".';
    if (!file) problems.file = 'Choose the file to attach.';
    else {
      const p = fileProblem(file);
      if (p) problems.file = p;
    }
    if (Object.keys(problems).length > 0) {
      setFields(problems);
      focusFirstError();
      return;
    }
    setBusy(true);
    setError(null);
    setFields({});
    try {
      let dataBase64: string;
      try {
        dataBase64 = await readBase64(file!);
      } catch {
        setFields({ file: 'The file could not be read. Choose it again.' });
        return;
      }
      const doc = await api.call('documents.attach', { patientId, appointmentId, labResultId, title, mimeType: typeOf(file!)!, dataBase64 });
      await queryClient.invalidateQueries({ queryKey: documentsKey(patientId) });
      notifications.show({ color: 'teal', title: 'Attached', message: `${doc.title} was attached.` });
      onClose();
    } catch (e) {
      const body = errorBody(e);
      // The file's problems (type, size, unreadable) belong under the file input.
      const apiFields: Record<string, string> = {};
      for (const [k, m] of Object.entries(body.fields ?? {})) apiFields[k === 'dataBase64' || k === 'mimeType' ? 'file' : k] = m;
      const { errors, unmatched } = mapApiFieldErrors(apiFields, null, FIELDS);
      setFields(errors);
      const onlyFields = Object.keys(errors).length > 0 && unmatched.length === 0;
      setError(onlyFields ? null : { message: body.message, extra: unmatched });
      focusFirstError();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title="Attach report">
      <Stack
        gap="sm"
        component="form"
        onSubmit={(e) => {
          e.preventDefault();
          void attach();
        }}
      >
        <TextInput label="Title" {...REQUIRED} placeholder="e.g. CBC report, City Lab" maxLength={120} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fields.title} data-autofocus />
        <FileInput
          label="File"
          {...REQUIRED}
          description={`PDF, JPEG or PNG, up to ${MAX_MB} MB.`}
          placeholder="Choose a file"
          accept={ACCEPT}
          clearable
          leftSection={<IconPaperclip size={16} />}
          value={file}
          onChange={choose}
          error={fields.file}
        />
        {file && !fields.file && (
          <Text size="xs" c="dimmed">
            {KIND[typeOf(file)!].label} · {fileSize(file.size)}
          </Text>
        )}
        <ApiErrorAlert message={error?.message ?? null} extra={error?.extra} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} leftSection={<IconPaperclip size={16} />}>
            Attach
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DocumentViewer({ doc, onClose }: { doc: DocumentInfo; onClose: () => void }) {
  const file = useQuery({ queryKey: fileKey(doc.id), queryFn: () => api.call('documents.open', { id: doc.id }), staleTime: Infinity, gcTime: 0, retry: false });
  const url = useBlobUrl(file.data);
  const isImage = doc.mimeType !== 'application/pdf';

  let body;
  if (file.isPending) {
    body = (
      <Center py="lg">
        <Loader aria-label="Loading the document" />
      </Center>
    );
  } else if (file.isError) {
    const err = errorBody(file.error);
    body = (
      <Stack gap="sm">
        {err.reason === 'file_not_here' ? (
          <Alert color="yellow" role="alert" title="Not on this PC yet">
            This file has not reached this PC yet: the PC it was attached on has not sent it to the clinic server. Try again later, once that PC is
            connected.
          </Alert>
        ) : (
          <ApiErrorAlert message={err.message} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button loading={file.isFetching} onClick={() => void file.refetch()}>
            Try again
          </Button>
        </Group>
      </Stack>
    );
  } else {
    body = (
      <Stack gap="sm">
        {isImage ? (
          <Box style={{ overflow: 'auto', maxHeight: '65vh', textAlign: 'center' }}>
            <img src={`data:${doc.mimeType};base64,${file.data.dataBase64}`} alt={doc.title} style={{ maxWidth: '100%', height: 'auto' }} />
          </Box>
        ) : (
          <Text size="sm">
            PDFs cannot be shown inside ClinicDesk. Download it to open it in the PC&apos;s PDF reader ({fileSize(doc.sizeBytes)}).
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          {url && (
            <Button component="a" href={url} download={downloadName(doc)} leftSection={<IconDownload size={16} />} variant={isImage ? 'light' : 'filled'}>
              {isImage ? 'Download' : 'Download PDF'}
            </Button>
          )}
        </Group>
      </Stack>
    );
  }

  return (
    <Modal opened onClose={onClose} title={doc.title} size={isImage ? 'xl' : 'md'}>
      {body}
    </Modal>
  );
}

function DocumentRow({ doc, thisVisit, onOpen }: { doc: DocumentInfo; thisVisit: boolean; onOpen: () => void }) {
  const session = useSession();
  const isPdf = doc.mimeType === 'application/pdf';
  return (
    <Box component="li" aria-label={doc.title} py={4} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
      <Group gap="xs" wrap="nowrap" align="center">
        <ThemeIcon variant="light" color={isPdf ? 'red' : 'blue'} size="md" aria-hidden>
          {isPdf ? <IconFileTypePdf size={16} /> : <IconPhoto size={16} />}
        </ThemeIcon>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6} wrap="nowrap">
            <Text size="sm" fw={600} truncate title={doc.title}>
              {doc.title}
            </Text>
            {thisVisit && (
              <Badge size="xs" variant="light" color="teal" style={{ flexShrink: 0 }}>
                This visit
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {KIND[doc.mimeType].label} · {fileSize(doc.sizeBytes)} · {doc.uploadedByName} · {formatDisplayInstant(doc.createdAt, session.clinic.timezone).slice(0, 10)}
          </Text>
        </Box>
        <Button size="compact-sm" variant="light" onClick={onOpen} aria-label={`Open ${doc.title}`}>
          Open
        </Button>
      </Group>
    </Box>
  );
}

/** The patient's documents, newest first; "Attach report" when the signed-in doctor may write at this visit. */
export function DocumentsPanel({ patientId, appointmentId, labResultId, canAttach }: { patientId: string; appointmentId?: string | null; labResultId?: string | null; canAttach: boolean }) {
  const can = useCan();
  // Documents are clinical records: doctors and administrators only (front desk and accounts never see the panel).
  const allowed = can('documents.list');
  const docs = useQuery({ queryKey: documentsKey(patientId), queryFn: () => api.call('documents.list', { patientId }), enabled: allowed, staleTime: 5_000 });
  const [attaching, setAttaching] = useState(false);
  const [open, setOpen] = useState<DocumentInfo | null>(null);
  if (!allowed) return null;
  const mayAttach = canAttach && can('documents.attach');

  let body;
  if (docs.isPending) {
    body = (
      <Center py="xs">
        <Loader size="sm" aria-label="Loading the documents" />
      </Center>
    );
  } else if (docs.isError) {
    body = <ApiErrorAlert message={errorBody(docs.error).message} />;
  } else if (docs.data.length === 0) {
    body = (
      <Text size="sm" c="dimmed">
        No documents attached yet.
      </Text>
    );
  } else {
    body = (
      <Box component="ul" role="list" aria-label="Attached documents" m={0} p={0} style={{ listStyle: 'none', maxHeight: 260, overflowY: 'auto' }}>
        {docs.data.map((d) => (
          <DocumentRow key={d.id} doc={d} thisVisit={!!appointmentId && d.appointmentId === appointmentId} onOpen={() => setOpen(d)} />
        ))}
      </Box>
    );
  }

  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label="Documents">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} fz="sm">
            Documents{docs.data && docs.data.length > 0 ? ` (${docs.data.length})` : ''}
          </Title>
          {mayAttach && (
            <Button size="xs" variant="light" leftSection={<IconPaperclip size={14} />} onClick={() => setAttaching(true)}>
              Attach report
            </Button>
          )}
        </Group>
        {body}
      </Stack>
      {attaching && <AttachDialog patientId={patientId} appointmentId={appointmentId ?? null} labResultId={labResultId ?? null} onClose={() => setAttaching(false)} />}
      {open && <DocumentViewer doc={open} onClose={() => setOpen(null)} />}
    </Paper>
  );
}
