"""The only part of kubeknobs that talks to a cluster.

connect     kubeconfig files and contexts → Connection; probe; the raw JSON client (api)
informer    list + watch of one resource kind, as batched deltas
session     the dashboard's live view: rows, settings, the typed event stream
reload      log lines → reload outcomes, matched to ConfigMap versions (reloadwatch follows the pods)
actions     the one writer: guarded changes (edits, immutable copies, restart, rollback, propagate);
            the change use-case itself (plan, draft, flow, follow) lives in tui.change
access      SelfSubjectAccessReview, cached; errors: every failure as operator text
"""

import logging

# the dashboard owns the terminal: nothing from here may print to it
logging.getLogger("kubeknobs.cluster").addHandler(logging.NullHandler())
