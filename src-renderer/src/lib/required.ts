/**
 * Marks a field's label as required. The asterisk is drawn by CSS with empty alternative text
 * (app.css), so the field's accessible name stays exactly its label ("Password", not "Password *").
 */
export const REQUIRED = { labelProps: { 'data-required': true } } as const;
