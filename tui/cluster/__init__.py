"""The only part of kubeknobs that talks to a cluster.

kubeconfig  the files kubectl reads, merged, each entry with the file that defines it
connect     contexts → Connection; probe; the raw JSON client (api); credentials without the client
informer    list + watch of one resource kind, as batched deltas
port        what the dashboard sees: rows, log lines, the sink, the ClusterPort protocol
session     the dashboard's live view, a façade over cache (informers, indexes), rows (summaries,
            settings), router (deltas → changes), crashlogs, redact; memory: the gc-freeze policy
reload      log lines → reload outcomes, matched to ConfigMap versions (reloadwatch follows the pods)
actions     the one writer: guarded changes (edits, immutable copies, restart, rollback, propagate);
            the change use-case itself (plan, draft, flow, follow) lives in tui.change
access      SelfSubjectAccessReview, cached; errors: every failure as operator text
"""

import logging

# the dashboard owns the terminal: nothing from here may print to it
logging.getLogger("kubeknobs.cluster").addHandler(logging.NullHandler())
