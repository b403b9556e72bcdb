"""Caches you can trust: the cut of the Chinese font lives in a folder of this
user's own (the platform's user cache folder, mode 0700), and a cut is used
only when its content has the checksum recorded when taskgraph made it. A
file planted by someone else — in the shared temporary folder, in the cache,
in a cache folder others could write — is never embedded in a report."""
from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from taskgraph.render import style

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")

PLANTED = b"wOFF planted by another user"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A user cache folder of the test's own, and no cut made earlier in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(style, "_cuts", {})
    return tmp_path / "cache" / "taskgraph" / "fonts"


def cut_name(text: str, flavor: str | None = "woff") -> str:
    """The name :func:`style._subset` gives the cut of ``web_font(text)``."""
    font = style.bundled_font()
    st = font.stat()
    chars = "".join(sorted(set(style._ALWAYS + text)))
    key = f"{font.resolve()}|{st.st_size}|{st.st_mtime_ns}|{flavor}|{chars}"
    return f"{font.stem}-{hashlib.sha1(key.encode()).hexdigest()[:12]}.{flavor}"


def test_cuts_are_kept_in_a_private_folder_of_the_users_cache(cache):
    woff = style.web_font("缓存测试甲")
    assert woff and woff[:4] == b"wOFF"
    assert style.font_cache() == cache
    for folder in (cache, cache.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    cut = cache / cut_name("缓存测试甲")
    assert cut.read_bytes() == woff
    assert (cache / (cut.name + ".sha256")).read_text().strip() == hashlib.sha256(woff).hexdigest()
    assert style.web_font("缓存测试甲") == woff  # from the cache, checked


def test_a_cut_planted_in_the_shared_temporary_folder_is_not_used(cache, tmp_path, monkeypatch):
    """Where taskgraph used to keep its cuts, trusting whatever it found."""
    shared = tmp_path / "shared-tmp"
    (shared / "taskgraph-fonts").mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    (shared / "taskgraph-fonts" / cut_name("共享目录")).write_bytes(PLANTED)
    woff = style.web_font("共享目录")
    assert woff != PLANTED and woff[:4] == b"wOFF"


def test_a_cut_that_does_not_match_its_checksum_is_made_again(cache):
    woff = style.web_font("校验测试")
    cut = cache / cut_name("校验测试")
    cut.write_bytes(PLANTED)  # changed after taskgraph made it
    assert style.web_font("校验测试") == woff
    assert cut.read_bytes() == woff  # and the cache mended


def test_a_cut_without_its_checksum_is_not_used(cache):
    cache.mkdir(parents=True, mode=0o700)
    os.chmod(cache.parent, 0o700)
    (cache / cut_name("无校验")).write_bytes(PLANTED)
    assert style.web_font("无校验") != PLANTED


def test_a_cache_folder_others_could_write_is_made_private_and_emptied(cache):
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    name = cut_name("开放目录")
    (cache / name).write_bytes(PLANTED)  # with a checksum that matches: planted whole
    (cache / (name + ".sha256")).write_text(hashlib.sha256(PLANTED).hexdigest())
    woff = style.web_font("开放目录")
    assert woff != PLANTED and woff[:4] == b"wOFF"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_cache_folder_of_another_user_is_not_used(cache):
    cache.mkdir(parents=True, mode=0o700)
    name = cut_name("他人目录")
    (cache / name).write_bytes(PLANTED)
    (cache / (name + ".sha256")).write_text(hashlib.sha256(PLANTED).hexdigest())
    for path in (cache, cache / name, cache / (name + ".sha256")):
        os.chown(path, 65534, 65534)
    assert style.font_cache() is None
    woff = style.web_font("他人目录")
    assert woff != PLANTED and woff[:4] == b"wOFF"


def test_a_cache_folder_that_is_a_link_is_not_used(cache, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    name = cut_name("链接目录")
    (elsewhere / name).write_bytes(PLANTED)
    (elsewhere / (name + ".sha256")).write_text(hashlib.sha256(PLANTED).hexdigest())
    cache.parent.mkdir(parents=True, mode=0o700)
    cache.symlink_to(elsewhere)
    assert style.font_cache() is None
    assert style.web_font("链接目录") != PLANTED


def test_old_cuts_are_pruned(cache, monkeypatch):
    monkeypatch.setattr(style, "CACHE_KEEP", 2)
    monkeypatch.setattr(style, "CACHE_GRACE", 0)
    for k in range(4):
        style.web_font(f"修剪{chr(0x4e00 + k)}")
        for p in cache.iterdir():  # each cut older than the one after it
            os.utime(p, (p.stat().st_mtime - 10, p.stat().st_mtime - 10))
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [cut_name("修剪" + chr(0x4e00 + k)) + end for k in (2, 3) for end in ("", ".sha256")])


def test_a_cut_used_in_the_last_hour_is_never_pruned(cache, monkeypatch):
    # another report of the same user may be drawing with it right now
    monkeypatch.setattr(style, "CACHE_KEEP", 2)
    for k in range(4):
        style.web_font(f"并行{chr(0x4e00 + k)}")
    assert {cut_name("并行" + chr(0x4e00 + k)) for k in range(4)} <= {p.name for p in cache.iterdir()}


def test_a_page_cut_of_the_figures_cut_is_made_once_across_runs(cache, monkeypatch):
    """The page cut is made from the figures' cut, whose time changes each
    time it is used (so the pruning keeps it): a second report must find the
    page cut it made before, not cut the font again."""
    text = "二次运行同一字体"
    style.figure_fonts(text)
    first = style.web_font(text)
    made = sorted(p.name for p in cache.glob("*.woff"))
    assert len(made) == 1
    for ttf in cache.glob("*.ttf"):
        os.utime(ttf, (ttf.stat().st_atime, ttf.stat().st_mtime + 5))  # the next run uses it: newer
    monkeypatch.setattr(style, "_cuts", {})
    style.figure_fonts(text)

    def no_cutting(*args, **kwargs):  # pragma: no cover - reached only when the bug is back
        raise AssertionError("the font was cut again")

    from fontTools import subset

    monkeypatch.setattr(subset.Subsetter, "subset", no_cutting)
    assert style.web_font(text) == first
    assert sorted(p.name for p in cache.glob("*.woff")) == made
