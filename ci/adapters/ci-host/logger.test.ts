import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';
import { detectCiHost, useColor } from './detect.js';
import { Redactor } from '../../core/redact.js';

function sink(isTTY = false) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += chunk;
        cb();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

describe('loggers', () => {
  it('redacts every line, on every host', async () => {
    for (const host of ['terminal', 'jenkins', 'github'] as const) {
      const redactor = new Redactor();
      redactor.add('hunter2-secret');
      const out = sink();
      const log = createLogger({ host, redactor, stream: out.stream, color: false, verbosity: 'verbose' });
      log.info('token hunter2-secret');
      log.error('failed with hunter2-secret', { file: 'a.yml', line: 3 });
      log.debug('dbg hunter2-secret');
      await log.group('g hunter2-secret', async () => undefined);
      const lines = out.text().split('\n').filter((l) => !l.startsWith('::add-mask::'));
      expect(lines.join('\n')).not.toContain('hunter2-secret');
    }
  });

  it('writes GitHub groups, masks and file annotations', async () => {
    const redactor = new Redactor();
    const out = sink();
    const log = createLogger({ host: 'github', redactor, stream: out.stream, color: false, verbosity: 'normal' });
    redactor.add('mask-me-please');
    await log.group('build', async () => log.info('inside'));
    log.error('bad key', { file: 'dataship.yaml', line: 4, column: 2, title: 'config' });
    expect(out.text()).toBe(
      '::add-mask::mask-me-please\n' +
        `::add-mask::${Buffer.from('mask-me-please').toString('base64')}\n` +
        '::group::build\ninside\n::endgroup::\n::error file=dataship.yaml,line=4,col=2,title=config::bad key\n',
    );
  });

  it('writes plain prefixed lines for Jenkins, no colour codes', () => {
    const out = sink(true);
    const log = createLogger({ host: 'jenkins', redactor: new Redactor(), stream: out.stream, color: true, verbosity: 'normal' });
    log.info('hello');
    log.warn('careful', { file: 'x.sql', line: 2 });
    expect(out.text()).toBe('[dataship] hello\nWARNING: x.sql:2: careful\n');
  });

  it('quiet drops info but keeps errors; progress only on a TTY', () => {
    const out = sink(false);
    const log = createLogger({ host: 'terminal', redactor: new Redactor(), stream: out.stream, color: false, verbosity: 'quiet' });
    log.info('chatty');
    log.progress('upload', 10, 100);
    log.error('bad');
    expect(out.text()).toBe('ERROR: bad\n');
  });

  it('detects the host and honours NO_COLOR', () => {
    expect(detectCiHost({ GITHUB_ACTIONS: 'true' })).toBe('github');
    expect(detectCiHost({ JENKINS_URL: 'http://j' })).toBe('jenkins');
    expect(detectCiHost({})).toBe('terminal');
    expect(useColor({ env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(useColor({ env: {}, isTTY: true })).toBe(true);
    expect(useColor({ env: {}, isTTY: false })).toBe(false);
  });
});
