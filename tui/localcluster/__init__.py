"""The embedded Kubernetes API (plus controllers and a kubelet) that the demo and the tests run against.

    with LocalCluster("empty") as cluster:   # https://127.0.0.1:<port>, own thread and event loop
        cluster.kubeconfig                    # contexts kubeknobs-demo (admin) and kubeknobs-demo-readonly
        cluster.call(cluster.store.create, "configmaps", {...})   # store access from other threads

Standalone: `kubeknobs demo-cluster --kubeconfig PATH` prints `ready: kubeconfig=PATH server=URL`.

Serving notes for kubectl users:
- TLS with a throwaway CA (written into the kubeconfig): kubectl sends tokens only over TLS.
- /openapi/* answers 404, so kubectl needs `--validate=false` for apply, create -f, replace and edit.
- Server-side apply (application/apply-patch+yaml) answers 415; client-side apply works.
- The read-only user has the `view` role: it reads everything except Secrets and writes nothing.
"""

from tui.localcluster.cluster import LocalCluster

__all__ = ["LocalCluster"]
