"""Sub-packet reassembly (HJ 212-2017 Tables C.47-C.50; reference §3.3)."""

from __future__ import annotations

import pytest

from ecowarden.errors import ValidationError
from ecowarden.hj212 import Frame, Reassembled, Reassembler, SubpacketError, make_frame

MN = "010000A8900016F000169DC0"


def part(
    pno: int,
    cp: dict[str, str],
    pnum: int = 2,
    qn: str | None = None,
    data_time: str = "20160801084000",
) -> Frame:
    # as in the standard's example: each sub-packet with its own QN, DataTime repeated
    return make_frame(
        2051,
        MN,
        st="32",
        pw="1",
        qn=qn or f"2016080108585722{pno}",
        flag=7,
        pnum=pnum,
        pno=pno,
        cp={"DataTime": data_time, **cp},
    )


def test_parts_with_different_qn_are_joined() -> None:
    r = Reassembler()
    assert r.add(part(2, {"w01018-Avg": "50.0"}), now_s=0.0) == []
    (done,) = r.add(part(1, {"w00000-Avg": "1.2", "w01001-Avg": "7.1"}), now_s=1.0)
    assert isinstance(done, Reassembled)
    assert [p.pno for p in done.parts] == [1, 2]
    assert list(done.items) == ["w00000", "w01001", "w01018"]
    assert (done.mn, done.cn, done.data_time) == (MN, 2051, done.parts[0].data_time)
    assert r.pending == 0


def test_frame_that_is_not_split_completes_at_once() -> None:
    frame = make_frame(2051, MN, st="32", pw="1", cp={"DataTime": "20160801084000"})
    (done,) = Reassembler().add(frame, now_s=0.0)
    assert isinstance(done, Reassembled)
    assert done.parts == (frame,)


def test_identical_resend_of_a_part_is_ignored() -> None:
    r = Reassembler()
    r.add(part(1, {"a-Avg": "1"}), 0.0)
    assert r.add(part(1, {"a-Avg": "1"}), 1.0) == []
    assert r.pending == 1


def test_conflicting_resend_of_a_part_is_refused() -> None:
    r = Reassembler()
    r.add(part(1, {"a-Avg": "1"}), 0.0)
    (error,) = r.add(part(1, {"a-Avg": "2"}), 1.0)
    assert isinstance(error, SubpacketError)
    assert error.reason == "subpacket_conflict"
    assert r.pending == 0


def test_parts_that_contradict_each_other_are_refused() -> None:
    r = Reassembler()
    r.add(part(1, {"a-Avg": "1"}), 0.0)
    (error,) = r.add(part(2, {"a-Avg": "2"}), 1.0)
    assert isinstance(error, SubpacketError)
    assert error.reason == "subpacket_conflict"


def test_incomplete_upload_times_out() -> None:
    r = Reassembler(timeout_s=60.0)
    r.add(part(1, {"a-Avg": "1"}, pnum=3), 0.0)
    assert r.expire(60.0) == []
    (error,) = r.expire(60.5)
    assert error.reason == "subpackets_incomplete"
    assert "have PNO 1 of 3" in error.detail
    assert error.mn == MN


def test_pending_uploads_are_bounded() -> None:
    r = Reassembler(max_pending=2)
    r.add(part(1, {"a-Avg": "1"}, data_time="20160801084000"), 0.0)
    r.add(part(1, {"a-Avg": "1"}, data_time="20160801084100"), 1.0)
    (evicted,) = r.add(part(1, {"a-Avg": "1"}, data_time="20160801084200"), 2.0)
    assert isinstance(evicted, SubpacketError)
    assert evicted.reason == "subpackets_evicted"
    assert "DataTime=20160801084000" in evicted.detail
    assert r.pending == 2


def test_bad_parameters() -> None:
    with pytest.raises(ValidationError):
        Reassembler(max_pending=0)
