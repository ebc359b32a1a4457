import { describe, expect, it } from 'vitest';
import { detectBuilder } from './detect.js';

describe('detectBuilder', () => {
  it('is none when configured so', async () => {
    expect(await detectBuilder({ preference: 'none' })).toEqual({ builder: null, reason: 'runtime image not built: image.builder is none' });
  });
  it('says why when the configured builder does not work here', async () => {
    const choice = await detectBuilder({ preference: 'podman', env: { PATH: '/nonexistent' } });
    expect(choice.builder).toBeNull();
    expect(choice.reason).toBe('runtime image not built: podman is configured but does not work here (install podman)');
  });
  it('reports no container builder when none is on PATH', async () => {
    const choice = await detectBuilder({ env: { PATH: '/nonexistent' } });
    expect(choice).toEqual({ builder: null, reason: 'runtime image not built: no container builder (install buildah)' });
  });
  it('finds buildah (installed by .ci/run)', async () => {
    const choice = await detectBuilder({});
    expect(choice.builder?.name).toBe('buildah');
    expect(choice.builder?.describe()).toContain('vfs');
  });
});
