"""The `kubeknobs` command: the dashboard, `explain`, and `demo-cluster`.

Each sub-command's module is imported only when it runs, so that the dashboard's
first frame never waits for code it does not need.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kubeknobs",
        description="Where does each setting of a Kubernetes controller live, and what does it take to change it?",
    )
    parser.add_argument(
        "--demo", action="store_true", help="run on the embedded demo cluster (no real cluster needed)"
    )
    parser.add_argument(
        "--scenario", default="kubernaut", help="demo scenario for --demo (default: kubernaut)"
    )
    parser.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--context", help="kubeconfig context to use")
    parser.add_argument("-n", "--namespace", action="append", help="namespace to show (repeatable)")
    parser.add_argument("-A", "--all-namespaces", action="store_true", help="show every namespace")
    parser.add_argument("--readonly", action="store_true", help="never change anything in the cluster")
    parser.add_argument("--theme", help="theme name (built-in or from the themes directory)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    explain = sub.add_parser("explain", help="classify the settings of manifests, offline")
    explain.add_argument(
        "-f",
        "--filename",
        action="append",
        required=True,
        metavar="PATH",
        help="a YAML file, a directory of *.yaml/*.yml, or - for stdin (repeatable)",
    )
    explain.add_argument("-o", "--output", choices=("table", "json", "markdown", "github"), default="table")
    explain.add_argument(
        "--against",
        metavar="OLD",
        help="review NEW (-f) against OLD: a file, a directory, - for stdin, or git:REF for -f's paths at REF",
    )
    explain.add_argument(
        "--fail-on",
        metavar="OUTCOME[,OUTCOME]",
        help="with --against: exit 1 when a change has one of these outcomes",
    )
    explain.add_argument("--profiles", metavar="DIR", help="extra directory of app profiles")

    cluster = sub.add_parser("demo-cluster", help="run the embedded Kubernetes API in the foreground")
    cluster.add_argument(
        "--kubeconfig",
        dest="cluster_kubeconfig",
        metavar="PATH",
        help="where to write the kubeconfig (default: a temporary file)",
    )
    cluster.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    cluster.add_argument(
        "--scenario",
        dest="cluster_scenario",
        default="empty",
        help="empty, kubernaut, or scale:N (default: empty)",
    )
    cluster.add_argument(
        "--sync-delay",
        type=float,
        default=None,
        help="seconds before the kubelet re-syncs ConfigMap volumes (default: 60, demo scenarios less)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "explain" and args.against:
        from tui.review.run import run_review

        return run_review(args)
    if args.command == "explain":
        if args.fail_on or args.output in ("markdown", "github"):
            parser.error("--fail-on, --output markdown and --output github need --against")
        from tui.explain import run_explain

        return run_explain(args)
    if args.command == "demo-cluster":
        from tui.localcluster.cli import run_demo_cluster

        return run_demo_cluster(args)
    from tui.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
