"""The allocator setting of the analyses (taskgraph.analyse._memory)."""
import pytest

from taskgraph.analyse import _memory


class FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, param, value):
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad):
        self.calls.append(("malloc_trim", pad))
        return 1


@pytest.fixture
def libc(monkeypatch):
    fake = FakeLibc()
    monkeypatch.setattr(_memory, "_libc", fake)
    return fake


def test_freed_memory_kept_within_and_given_back_after(libc):
    with _memory.reuse_memory():
        assert libc.calls == [("mallopt", _memory._M_MMAP_MAX, 0), ("mallopt", _memory._M_TRIM_THRESHOLD, _memory._KEEP)]
        with _memory.reuse_memory():  # an analysis inside another: left as it is
            pass
        assert len(libc.calls) == 2
    assert libc.calls[2:] == [("mallopt", _memory._M_MMAP_MAX, _memory._DEFAULT_MMAP_MAX),
                              ("mallopt", _memory._M_TRIM_THRESHOLD, _memory._DEFAULT_TRIM_THRESHOLD),
                              ("malloc_trim", 0)]
    assert _memory._depth == 0


def test_settings_back_after_an_error(libc):
    @_memory.reusing_memory
    def fails():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fails()
    assert libc.calls[-1] == ("malloc_trim", 0) and _memory._depth == 0


def test_overlap_runs_under_it(libc):
    from taskgraph.analyse import overlap

    assert hasattr(overlap.overlap_tables, "__wrapped__")  # (functools.wraps of reusing_memory)


def test_left_alone_when_the_environment_tunes_malloc(monkeypatch):
    monkeypatch.setattr(_memory, "_libc", None)
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.mmap_max=0")
    assert _memory._glibc() is None
