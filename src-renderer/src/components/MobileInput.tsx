import { TextInput, type TextInputProps } from '@mantine/core';

/** An Indian mobile number: "+91" shown in front, ten digits typed (spaces and a +91 or 0 are accepted too). */
export function MobileInput(props: TextInputProps) {
  return (
    <TextInput
      type="tel"
      inputMode="tel"
      autoComplete="off"
      placeholder="98765 43210"
      leftSection={<span style={{ fontSize: 'var(--mantine-font-size-sm)', color: 'var(--mantine-color-dimmed)' }}>+91</span>}
      leftSectionWidth={42}
      {...props}
    />
  );
}
