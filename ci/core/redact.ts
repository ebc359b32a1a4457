/**
 * The redactor knows every secret value the run resolved and replaces each with `***` in any text.
 * Every byte dataship prints or writes passes through it.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;
  private readonly listeners: Array<(secret: string) => void> = [];

  /** Registers a secret value; values shorter than 4 characters are too common to mask safely. */
  add(secret: string | undefined | null): void {
    if (!secret || secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // Multi-line secrets (PEM keys) are also masked line by line, and base64/URL forms too.
    for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 8) this.secrets.add(line.trim());
    this.secrets.add(Buffer.from(secret).toString('base64'));
    this.secrets.add(encodeURIComponent(secret));
    this.pattern = null;
    for (const l of this.listeners) l(secret);
  }

  /** Called for each newly registered secret (e.g. to tell GitHub Actions to mask it). */
  onSecret(listener: (secret: string) => void): void {
    this.listeners.push(listener);
    for (const s of this.secrets) listener(s);
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0 || !text) return text;
    if (!this.pattern) {
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    }
    return text.replace(this.pattern, '***');
  }

  /** Redacts every string inside a JSON-like value. */
  redactValue<T>(value: T): T {
    if (this.secrets.size === 0) return value;
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
