import { expect, it } from 'vitest';
import { previewNumber } from './previews.js';

it('reads the pull request number from a preview environment name', () => {
  expect(previewNumber({ pattern: 'pr-{pr}', env: 'pr-12' })).toBe(12);
  expect(previewNumber({ pattern: 'pr-{pr}', env: 'pr-x' })).toBeNull();
  expect(previewNumber({ pattern: 'pr.{pr}', env: 'prX12' })).toBeNull();
  expect(previewNumber({ pattern: undefined, env: 'pr-1' })).toBeNull();
  expect(previewNumber({ pattern: 'pr-{pr}', env: 'dev' })).toBeNull();
});
