"""`kubeknobs demo-cluster`: the embedded API in the foreground until SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading

DEMO_SYNC_DELAY = 3.0


def run_demo_cluster(args) -> int:
    from tui.localcluster.cluster import LocalCluster

    scenario = getattr(args, "cluster_scenario", "empty") or "empty"
    kwargs = {}
    if getattr(args, "sync_delay", None) is not None:
        kwargs["sync_delay"] = args.sync_delay
    elif scenario == "kubernaut":
        kwargs["sync_delay"] = DEMO_SYNC_DELAY  # a demo should show a reload in seconds, not a minute
    cluster = LocalCluster(
        scenario, port=args.port or 0, kubeconfig_path=getattr(args, "cluster_kubeconfig", None), **kwargs
    )
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            cluster.start()
        except OSError as exc:
            if exc.filename:
                print(f"error: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
            else:
                print(
                    f"error: cannot serve on 127.0.0.1:{args.port or 0}: {exc.strerror or exc}",
                    file=sys.stderr,
                )
            return 1
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"ready: kubeconfig={cluster.kubeconfig} server={cluster.url}", flush=True)
        while not stop.wait(0.5):
            pass
        return 0
    finally:
        cluster.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
