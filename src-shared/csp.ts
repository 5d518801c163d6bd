/**
 * The renderer's Content-Security-Policy, one string for Electron (header on the app protocol and
 * the page's meta tag) and browser mode (HTTP header). No remote code, no eval, no plugins, no frames.
 * Inline styles are allowed because the component kit sets CSS variables through style attributes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
