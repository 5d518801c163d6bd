import { Select, type SelectProps } from '@mantine/core';
import { INDIAN_STATES } from '../../../src-shared/validation/states';
import { REQUIRED } from '../lib/required';

const STATE_OPTIONS = INDIAN_STATES.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }));

/** Indian states and union territories with their GST codes, searchable by name or code. */
export function StateSelect({ isRequired, ...props }: Omit<SelectProps, 'data'> & { isRequired?: boolean }) {
  return (
    <Select
      label="State"
      placeholder="Type to search"
      searchable
      clearable={!isRequired}
      nothingFoundMessage="No state matches"
      maxDropdownHeight={260}
      {...(isRequired ? REQUIRED : {})}
      {...props}
      data={STATE_OPTIONS}
    />
  );
}
