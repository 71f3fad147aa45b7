"""Pairs of manifests (OLD, NEW) in the shapes Helm, kustomize and hand-written repositories produce."""

from __future__ import annotations

from tui.model.profiles import ProfileSet
from tui.model.review import Change, compare
from tui.review.inputs import read_side


def review(old: str, new: str) -> tuple[list[Change], list[dict]]:
    """Compare two manifest texts the way `explain --against` does, with the built-in profiles."""
    profiles = ProfileSet.builtin()
    before = read_side([("old.yaml", old)], profiles, [])
    skipped: list[dict] = []
    after = read_side([("new.yaml", new)], profiles, skipped)
    changes, unread = compare(before, after)
    return changes, skipped + unread


def by_name(changes: list[Change]) -> dict[str, Change]:
    return {change.name: change for change in changes}


# `helm template` output of an app whose profile reloads logging.level and reads the rest at start.
HELM_STORE = """\
---
# Source: store/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: store-config
  namespace: data
  labels:
    helm.sh/chart: store-0.9.1
    app.kubernetes.io/managed-by: Helm
data:
  config.yaml: |
    database:
      host: pg.data.svc
      maxConnections: {connections}
    logging:
      level: {level}
---
# Source: store/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: store
  namespace: data
spec:
  ports: [{{port: 8080}}]
---
# Source: store/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: store
  namespace: data
  labels:
    helm.sh/chart: store-0.9.1
    app.kubernetes.io/managed-by: Helm
spec:
  replicas: 3
  selector:
    matchLabels: {{app.kubernetes.io/name: store}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: store}}
      annotations:
        checksum/config: {checksum}
    spec:
      containers:
        - name: store
          image: quay.io/kubernaut-ai/datastorage:v1.3.0
          env:
            - name: CONFIG_PATH
              value: /etc/datastorage/config.yaml
          volumeMounts:
            - name: config
              mountPath: /etc/datastorage
      volumes:
        - name: config
          configMap:
            name: store-config
"""


def helm_store(connections: int = 20, level: str = "INFO", checksum: str = "5e1d0c") -> str:
    return HELM_STORE.format(connections=connections, level=level, checksum=checksum)


# `kustomize build` of an overlay: configMapGenerator appends a content hash to the name.
KUSTOMIZE_OVERLAY = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: router-settings-{suffix}
  namespace: edge
  labels: {{app: router, env: prod}}
data:
  routes.json: '{routes}'
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prod-router
  namespace: edge
  labels: {{app: router, env: prod}}
spec:
  replicas: 4
  selector:
    matchLabels: {{app: router, env: prod}}
  template:
    metadata:
      labels: {{app: router, env: prod}}
    spec:
      containers:
        - name: router
          image: example.org/router:2.4
          volumeMounts:
            - name: settings
              mountPath: /etc/router
      volumes:
        - name: settings
          configMap:
            name: router-settings-{suffix}
"""


def kustomize_overlay(suffix: str, routes: str) -> str:
    return KUSTOMIZE_OVERLAY.format(suffix=suffix, routes=routes)


# Reloader restarts `ledger` when ledger-limits changes; ledger-flags it does not name.
RELOADER = """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: ledger-limits, namespace: finance}}
data:
  MAX_BATCH: "{batch}"
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: ledger-flags, namespace: finance}}
data:
  FEATURES: "{features}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: finance
  annotations:
    configmap.reloader.stakater.com/reload: ledger-limits
spec:
  replicas: 2
  selector: {{matchLabels: {{app: ledger}}}}
  template:
    metadata: {{labels: {{app: ledger}}}}
    spec:
      containers:
        - name: ledger
          image: example.org/ledger:7
          env:
            - name: MAX_BATCH
              valueFrom:
                configMapKeyRef: {{name: ledger-limits, key: MAX_BATCH}}
          envFrom:
            - configMapRef: {{name: ledger-flags}}
"""


def reloader(batch: int = 50, features: str = "audit") -> str:
    return RELOADER.format(batch=batch, features=features)


# A hand-written proxy: its config file mounted with subPath, its flags on the command line.
SUBPATH_PROXY = """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: gateway-conf, namespace: ingress}}
data:
  proxy.conf: |
    upstream_timeout {timeout};
    listen 8443;
---
apiVersion: {api}
kind: {kind}
metadata: {{name: gateway, namespace: ingress}}
spec:
  {replicas}
  {strategy}
  selector: {{matchLabels: {{app: gateway}}}}
  template:
    metadata: {{labels: {{app: gateway}}}}
    spec:
      containers:
        - name: proxy
          image: example.org/proxy:3.1
          args: ["--log-level={log_level}", "--conf=/etc/proxy/proxy.conf"{extra_flag}]
          volumeMounts:
            - name: conf
              mountPath: /etc/proxy/proxy.conf
              subPath: proxy.conf
      volumes:
        - name: conf
          configMap: {{name: gateway-conf}}
"""


def subpath_proxy(
    timeout: str = "30s",
    log_level: str = "info",
    kind: str = "Deployment",
    strategy: str = "",
    extra_flag: str = "",
) -> str:
    return SUBPATH_PROXY.format(
        timeout=timeout,
        log_level=log_level,
        kind=kind,
        api="apps/v1",
        replicas="" if kind == "DaemonSet" else "replicas: 5",
        strategy=strategy,
        extra_flag=f', "{extra_flag}"' if extra_flag else "",
    )


# A versioned immutable ConfigMap, as teams that follow the Kubernetes docs write it.
IMMUTABLE_TARIFF = """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: tariff-{version}, namespace: billing}}
immutable: true
data:
  VAT: "{vat}"
---
apiVersion: v1
kind: Secret
metadata: {{name: billing-keys, namespace: billing}}
type: Opaque
data:
  API_TOKEN: {token}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: invoicer, namespace: billing}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: invoicer}}}}
  template:
    metadata: {{labels: {{app: invoicer}}}}
    spec:
      containers:
        - name: invoicer
          image: example.org/invoicer:1.0
          env:
            - name: API_TOKEN
              valueFrom:
                secretKeyRef: {{name: billing-keys, key: API_TOKEN}}
          volumeMounts:
            - name: tariff
              mountPath: /etc/tariff
      volumes:
        - name: tariff
          configMap: {{name: tariff-{version}}}
"""


def immutable_tariff(version: str = "v3", vat: str = "0.20", token: str = "c2VjcmV0LW9uZQ==") -> str:
    return IMMUTABLE_TARIFF.format(version=version, vat=vat, token=token)


# CoreDNS with the reload plugin: the Corefile is polled every 30 s ± 15 s.
COREDNS = """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: coredns, namespace: kube-system}}
data:
  Corefile: |
    .:53 {{
        errors
        cache {cache}
        reload
        forward . /etc/resolv.conf
    }}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: coredns, namespace: kube-system}}
spec:
  replicas: 2
  selector: {{matchLabels: {{k8s-app: kube-dns}}}}
  template:
    metadata: {{labels: {{k8s-app: kube-dns}}}}
    spec:
      containers:
        - name: coredns
          image: registry.k8s.io/coredns/coredns:v1.11.1
          args: ["-conf", "/etc/coredns/Corefile"]
          volumeMounts:
            - name: config-volume
              mountPath: /etc/coredns
      volumes:
        - name: config-volume
          configMap: {{name: coredns, items: [{{key: Corefile, path: Corefile}}]}}
"""


def coredns(cache: int = 30) -> str:
    return COREDNS.format(cache=cache)
