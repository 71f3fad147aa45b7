import os

import pytest

from tui.localcluster.kubelet import atomicwriter
from tui.localcluster.kubelet.volumes import copy_sub_path_mounts, write_volume_mounts


def test_first_write_creates_version_dir_data_link_and_key_links(tmp_path):
    atomicwriter.write(str(tmp_path), {"app.yaml": b"a: 1\n", "nested/policy.rego": b"package x\n"})
    data = tmp_path / "..data"
    assert data.is_symlink()
    assert os.readlink(data).startswith("..20")
    assert os.readlink(tmp_path / "app.yaml") == "..data/app.yaml"
    assert os.readlink(tmp_path / "nested") == "..data/nested"
    assert (tmp_path / "app.yaml").read_text() == "a: 1\n"
    assert (tmp_path / "nested" / "policy.rego").read_text() == "package x\n"


def test_update_swaps_data_link_removes_stale_keys_and_old_version(tmp_path):
    atomicwriter.write(str(tmp_path), {"a.yaml": b"1", "gone.yaml": b"x"})
    first = os.readlink(tmp_path / "..data")
    assert atomicwriter.write(str(tmp_path), {"a.yaml": b"2"})
    second = os.readlink(tmp_path / "..data")
    assert first != second
    assert not (tmp_path / first).exists()
    assert not os.path.lexists(tmp_path / "gone.yaml")
    assert (tmp_path / "a.yaml").read_text() == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["..data", second, "a.yaml"])


def test_unchanged_payload_is_not_rewritten(tmp_path):
    atomicwriter.write(str(tmp_path), {"a.yaml": b"1"})
    before = os.readlink(tmp_path / "..data")
    assert not atomicwriter.write(str(tmp_path), {"a.yaml": b"1"})
    assert os.readlink(tmp_path / "..data") == before


@pytest.mark.parametrize("bad", ["/abs", "..x", "a/../b", "a//b", ""])
def test_paths_that_escape_the_volume_are_refused(tmp_path, bad):
    with pytest.raises(atomicwriter.PayloadError):
        atomicwriter.write(str(tmp_path), {bad: b"x"})
    assert not os.path.lexists(tmp_path / "..data")


def _pod(volumes, mounts):
    return {
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {"volumes": volumes, "containers": [{"name": "c", "volumeMounts": mounts}]},
    }


def test_configmap_volume_with_items_and_sub_path_copy(tmp_path):
    objects = {("configmap", "cfg"): {"data": {"config.yaml": "v: 1\n", "other": "o"}}}

    def lookup(kind, name):
        return objects.get((kind, name))

    pod = _pod(
        [
            {
                "name": "cfg",
                "configMap": {"name": "cfg", "items": [{"key": "config.yaml", "path": "main.yaml"}]},
            },
            {"name": "whole", "configMap": {"name": "cfg"}},
        ],
        [
            {"name": "cfg", "mountPath": "/etc/app"},
            {"name": "whole", "mountPath": "/etc/copy/config.yaml", "subPath": "config.yaml"},
        ],
    )
    write_volume_mounts(str(tmp_path), pod, lookup, set())
    copy_sub_path_mounts(str(tmp_path), pod, pod["spec"]["containers"][0], lookup)
    assert sorted(os.listdir(tmp_path / "etc/app")) == sorted(
        ["..data", "main.yaml", os.readlink(tmp_path / "etc/app/..data")]
    )
    assert (tmp_path / "etc/copy/config.yaml").read_text() == "v: 1\n"
    assert not (tmp_path / "etc/copy/config.yaml").is_symlink()

    objects[("configmap", "cfg")] = {"data": {"config.yaml": "v: 2\n"}}
    write_volume_mounts(str(tmp_path), pod, lookup, set())
    assert (tmp_path / "etc/app/main.yaml").read_text() == "v: 2\n"
    # a subPath copy is never updated
    assert (tmp_path / "etc/copy/config.yaml").read_text() == "v: 1\n"


def test_immutable_configmap_volume_is_not_resynced(tmp_path):
    objects = {("configmap", "frozen"): {"immutable": True, "data": {"k": "1"}}}
    pod = _pod([{"name": "f", "configMap": {"name": "frozen"}}], [{"name": "f", "mountPath": "/f"}])
    frozen: set[str] = set()
    write_volume_mounts(str(tmp_path), pod, lambda k, n: objects.get((k, n)), frozen)
    objects[("configmap", "frozen")] = {"data": {"k": "2"}}
    write_volume_mounts(str(tmp_path), pod, lambda k, n: objects.get((k, n)), frozen)
    assert (tmp_path / "f/k").read_text() == "1"


def test_projected_volume_merges_configmap_secret_and_downward_api(tmp_path):
    import base64

    objects = {
        ("configmap", "cfg"): {"data": {"app.yaml": "a: 1\n"}},
        ("secret", "creds"): {"data": {"token": base64.b64encode(b"t0k").decode()}},
    }
    pod = _pod(
        [
            {
                "name": "all",
                "projected": {
                    "sources": [
                        {"configMap": {"name": "cfg"}},
                        {"secret": {"name": "creds", "items": [{"key": "token", "path": "auth/token"}]}},
                        {
                            "downwardAPI": {
                                "items": [{"path": "name", "fieldRef": {"fieldPath": "metadata.name"}}]
                            }
                        },
                        {"configMap": {"name": "absent", "optional": True}},
                    ]
                },
            }
        ],
        [{"name": "all", "mountPath": "/etc/all"}],
    )
    write_volume_mounts(str(tmp_path), pod, lambda k, n: objects.get((k, n)), set())
    assert (tmp_path / "etc/all/app.yaml").read_text() == "a: 1\n"
    assert (tmp_path / "etc/all/auth/token").read_text() == "t0k"
    assert (tmp_path / "etc/all/name").read_text() == "p"


def test_missing_key_of_items_and_bad_path_are_mount_errors(tmp_path):
    from tui.localcluster.kubelet.volumes import MountError

    objects = {("configmap", "cfg"): {"data": {"a": "1"}}}
    missing = _pod(
        [{"name": "v", "configMap": {"name": "cfg", "items": [{"key": "b", "path": "b"}]}}],
        [{"name": "v", "mountPath": "/v"}],
    )
    with pytest.raises(MountError, match="non-existent config key: b"):
        write_volume_mounts(str(tmp_path), missing, lambda k, n: objects.get((k, n)), set())
    escaping = _pod(
        [{"name": "v", "configMap": {"name": "cfg", "items": [{"key": "a", "path": "../a"}]}}],
        [{"name": "v", "mountPath": "/v"}],
    )
    with pytest.raises(MountError, match='volume "v"'):
        write_volume_mounts(str(tmp_path), escaping, lambda k, n: objects.get((k, n)), set())
    assert not (tmp_path / "a").exists()
