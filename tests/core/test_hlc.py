from hypothesis import given
from hypothesis import strategies as st

from core.hlc import Clock, is_too_far_ahead, pack, wall_ms


def test_now_is_monotonic_even_when_the_wall_clock_goes_back():
    times = iter([1000, 1000, 900, 2000])
    clock = Clock(lambda: next(times))
    stamps = [clock.now() for _ in range(4)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 4
    assert wall_ms(stamps[-1]) == 2000


@given(st.integers(0, 2**40), st.integers(0, 2**40))
def test_observe_then_now_is_later_than_the_remote(local_ms, remote_ms):
    clock = Clock(lambda: local_ms)
    remote = pack(remote_ms, 7)
    clock.observe(remote)
    assert clock.now() > remote


def test_far_future_detection():
    now = 1_700_000_000_000
    assert not is_too_far_ahead(pack(now + 9 * 60_000), now)
    assert is_too_far_ahead(pack(now + 3 * 86_400_000), now)
