import { createTheme, type MantineColorsTuple } from '@mantine/core';

/** A calm teal, a little deeper than Mantine's own, for a clinic's front office. */
const clinicTeal: MantineColorsTuple = [
  '#e6fbf8',
  '#d2f2ee',
  '#a6e3dc',
  '#77d4c9',
  '#51c7b9',
  '#3abfaf',
  '#2abbaa',
  '#17a494',
  '#009283',
  '#007e71',
];

export const theme = createTheme({
  primaryColor: 'clinic',
  primaryShade: 8,
  colors: { clinic: clinicTeal },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Devanagari", "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '600' },
  defaultRadius: 'md',
  components: {
    TextInput: { defaultProps: { size: 'sm' } },
    Button: { defaultProps: { size: 'sm' } },
    // Closed dropdowns leave the page: their listbox is labelled like the input, and would make
    // "the State field" ambiguous to screen readers and tests.
    Select: { defaultProps: { comboboxProps: { keepMounted: false } } },
  },
});
