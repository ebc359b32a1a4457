/** Renderers of a run record: terminal text, JUnit XML, HTML, Markdown and JSON. Pure. */
export { renderText } from './text.js';
export { renderJunit } from './junit.js';
export { renderHtml } from './html.js';
export { renderMarkdown, REPORT_MARKER, MARKDOWN_LIMIT } from './markdown.js';
export { renderJson } from './json.js';
export { formatDuration } from './format.js';
