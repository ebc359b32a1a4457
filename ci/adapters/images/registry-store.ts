/** A repository in an OCI registry as an image store, over the distribution-API client. */
import type { RegistryClient } from '../registry/client.js';
import type { ImageStore } from './store.js';

export function createRegistryStore(opts: { client: RegistryClient; repository: string }): ImageStore {
  const { client, repository } = opts;
  return {
    describe: () => `${client.host}/${repository}`,
    mountKey: () => ({ host: client.host, repository }),
    hasBlob: (digest) => client.hasBlob({ repository, digest }),
    putBlob: ({ digest, size, open, label, mountFrom }) => client.uploadBlob({ repository, digest, size, open, label, mountFrom }),
    getBlob: (digest) => client.getBlob({ repository, digest }),
    getManifest: (ref) => client.getManifest({ repository, reference: ref }),
    putManifest: ({ ref, bytes, mediaType }) => client.putManifest({ repository, reference: ref, bytes, mediaType }),
    async resolveTag(tag) {
      return (await client.getManifest({ repository, reference: tag }))?.digest ?? null;
    },
    listTags: () => client.listTags({ repository }),
  };
}
