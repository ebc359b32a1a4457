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
    // Multi-line secrets (PEM keys) are also masked line by line, and base64/URL forms too.
    const variants = [secret, ...secret.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 8)];
    variants.push(Buffer.from(secret).toString('base64'), encodeURIComponent(secret));
    for (const v of variants) {
      if (this.secrets.has(v)) continue;
      this.secrets.add(v);
      for (const l of this.listeners) l(v);
    }
    this.pattern = null;
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
