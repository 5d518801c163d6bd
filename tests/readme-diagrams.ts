import { appointmentMachine } from '../src-shared/machines/appointment';
import { invoiceMachine } from '../src-shared/machines/invoice';
import { noteMachine } from '../src-shared/machines/note';
import { mermaidStateDiagram } from '../src-shared/machines/diagram';

const MACHINES = { appointment: appointmentMachine, invoice: invoiceMachine, note: noteMachine };

/** README.md with each `<!-- diagram:NAME -->` … `<!-- /diagram:NAME -->` block regenerated from its machine. */
export function readmeWithDiagrams(readme: string): string {
  let out = readme;
  for (const [name, machine] of Object.entries(MACHINES)) {
    const re = new RegExp(`(<!-- diagram:${name} -->)[\\s\\S]*?(<!-- /diagram:${name} -->)`);
    out = out.replace(re, `$1\n\`\`\`mermaid\n${mermaidStateDiagram(machine)}\n\`\`\`\n$2`);
  }
  return out;
}
