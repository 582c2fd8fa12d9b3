"""Platform commands: queued per MN, delivered while the device is connected, answers recorded.

Request flow, HJ 212-2017 §6.1 and §6.5 [HJ212-2017]: the platform sends a request with the
answer bit set; the device answers 9011 (``QnRtn``, "握手完成"), executes, and closes with 9012
(``ExeRtn``), both echoing the request's QN. No 9011 within ``OverTime`` → resend, at most
``ReCount`` times, then the command has failed (§6.2 Table 1: 10 s × 3 on mobile links).
Resends reuse the QN (hj212-protocol.md §6.5, [unconfirmed]: the standard does not say).

The transitions are declared in :data:`TRANSITIONS`; :class:`CommandDispatcher` walks them inside
the writer's transaction, so that a command is marked sent in the same commit that precedes its
delivery, and an answer is recorded with the archived packet that carried it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ecowarden.errors import ValidationError
from ecowarden.hj212 import Command, Frame, QnRtn, format_time
from ecowarden.services.ingest import queue_command
from ecowarden.store.commands import CommandQueue, CommandStatus, PlatformCommand
from ecowarden.store.database import StoreTransaction
from ecowarden.store.instants import to_epoch_us

# Actor of the commands the gateway queues itself (1012 after a 1013 time-calibration request).
GATEWAY_ACTOR: Final = "gateway"


class CommandEvent(StrEnum):
    """What happens to a command."""

    DELIVER = "deliver"  # its device is connected and it is due
    REQUEST_ACCEPTED = "request_accepted"  # 9011 QnRtn=1
    REQUEST_REFUSED = "request_refused"  # 9011 with another QnRtn
    EXECUTION_RESULT = "execution_result"  # 9012
    NO_ANSWER = "no_answer"  # no 9011 within OverTime, resends left
    NO_ANSWER_FINAL = "no_answer_final"  # no 9011 after the last resend
    NO_RESULT = "no_result"  # accepted, no 9012 within the execution time-out


# (status, event) -> next status. A pair not listed leaves the command as it is (an answer to
# a closed command is still recorded, a duplicate 9011 changes nothing).
TRANSITIONS: Final[Mapping[tuple[CommandStatus, CommandEvent], CommandStatus]] = {
    (CommandStatus.QUEUED, CommandEvent.DELIVER): CommandStatus.SENT,
    (CommandStatus.SENT, CommandEvent.NO_ANSWER): CommandStatus.SENT,
    (CommandStatus.SENT, CommandEvent.NO_ANSWER_FINAL): CommandStatus.FAILED,
    (CommandStatus.SENT, CommandEvent.REQUEST_ACCEPTED): CommandStatus.ACCEPTED,
    (CommandStatus.SENT, CommandEvent.REQUEST_REFUSED): CommandStatus.REFUSED,
    # A device may skip the 9011 of a command it executes at once.
    (CommandStatus.SENT, CommandEvent.EXECUTION_RESULT): CommandStatus.DONE,
    (CommandStatus.ACCEPTED, CommandEvent.EXECUTION_RESULT): CommandStatus.DONE,
    (CommandStatus.ACCEPTED, CommandEvent.NO_RESULT): CommandStatus.EXPIRED,
}


@dataclass(frozen=True, slots=True)
class CommandTiming:
    """Time-outs of the request flow.

    Attributes
    ----------
    answer_timeout_s : float
        ``OverTime``: wait this long for the 9011 [s] (HJ 212-2017 Table 1: 10 s on mobile
        links, 5 s on ADSL).
    resends : int
        ``ReCount``: resends after the first delivery (Table 1: 3).
    execution_timeout_s : float
        After the 9011, wait this long for the 9012 before the command expires [s]
        (documented choice: history requests may upload for minutes).
    poll_s : float
        How often the writer looks for due commands when no answer arrives [s].
    """

    answer_timeout_s: float = 10.0
    resends: int = 3
    execution_timeout_s: float = 300.0
    poll_s: float = 1.0

    def __post_init__(self) -> None:
        for name in ("answer_timeout_s", "execution_timeout_s", "poll_s"):
            if not getattr(self, name) > 0:
                raise ValidationError(f"command timing {name}={getattr(self, name)} must be > 0")
        if not 0 <= self.resends <= 99:
            raise ValidationError(f"command timing resends={self.resends} outside 0..99")


@dataclass(frozen=True, slots=True)
class Delivery:
    """A command to write to its connected device now."""

    command_id: int
    mn: str
    cn: int
    qn: str
    cp: Mapping[str, str]
    attempt: int


@dataclass(frozen=True, slots=True)
class Transition:
    """A command that changed status (for counters and log lines)."""

    command_id: int
    mn: str
    qn: str
    cn: int
    status: CommandStatus


@dataclass(frozen=True, slots=True)
class DeviceAnswer:
    """A 9011 or 9012 from a device, and the archive id of the packet that carried it."""

    mn: str
    qn: str
    cn: int
    code: int | None
    received_at: dt.datetime
    raw_packet_id: int


def answer_code(frame: Frame) -> int | None:
    """``QnRtn`` of a 9011 or ``ExeRtn`` of a 9012 (Tables 7 and 6), None when absent or not a
    number."""
    text = frame.cp.get("QnRtn" if frame.cn == Command.REQUEST_ANSWER else "ExeRtn")
    if text is None or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


class CommandDispatcher:
    """Walks the command transitions in the writer's transaction.

    Parameters
    ----------
    timing : CommandTiming
        Time-outs and resends.
    """

    def __init__(self, timing: CommandTiming) -> None:
        self.timing = timing
        self._last_poll_us = 0

    def due(self, now: dt.datetime) -> bool:
        """Whether the poll interval has passed since the last look at open commands."""
        return to_epoch_us(now) - self._last_poll_us >= self.timing.poll_s * 1_000_000

    def step(
        self,
        transaction: StoreTransaction,
        answers: Sequence[DeviceAnswer],
        time_requests: Collection[str],
        connected: Collection[str],
        now: dt.datetime,
        *,
        poll: bool,
    ) -> tuple[list[Delivery], list[Transition]]:
        """Record answers, queue time settings, and (when ``poll``) find what to send.

        Parameters
        ----------
        transaction : StoreTransaction
            The writer's group transaction.
        answers : sequence of DeviceAnswer
            9011 / 9012 received in the group.
        time_requests : collection of str
            MNs that sent a 1013 time-calibration request: each gets a 1012 (C.4).
        connected : collection of str
            MNs with an authenticated open connection.
        now : datetime
            The writer's clock.
        poll : bool
            Look at open commands for deliveries and time-outs.

        Returns
        -------
        tuple
            Deliveries to write after the commit, and the transitions made.
        """
        queue = CommandQueue(transaction.connection)
        transitions: list[Transition] = []
        for answer in answers:
            command = queue.by_qn(answer.mn, answer.qn)
            if command is None:
                continue
            queue.record_answer(
                command.id,
                answer.cn,
                answer.code,
                received_at=answer.received_at,
                raw_packet_id=answer.raw_packet_id,
            )
            if answer.cn == Command.REQUEST_ANSWER:
                accepted = answer.code == QnRtn.READY
                event = CommandEvent.REQUEST_ACCEPTED if accepted else CommandEvent.REQUEST_REFUSED
                self._move(queue, command, event, now, transitions, qn_rtn=answer.code)
            else:
                self._move(
                    queue,
                    command,
                    CommandEvent.EXECUTION_RESULT,
                    now,
                    transitions,
                    exe_rtn=answer.code,
                )
        for mn in sorted(time_requests):
            queue_command(transaction, mn, Command.SET_TIME, {}, actor=GATEWAY_ACTOR, at=now)
        deliveries: list[Delivery] = []
        if poll or time_requests:
            self._last_poll_us = to_epoch_us(now)
            for command in queue.commands(open_only=True):
                delivery = self._check(queue, command, connected, now, transitions)
                if delivery is not None:
                    deliveries.append(delivery)
        return deliveries, transitions

    def _check(
        self,
        queue: CommandQueue,
        command: PlatformCommand,
        connected: Collection[str],
        now: dt.datetime,
        transitions: list[Transition],
    ) -> Delivery | None:
        timing = self.timing
        if command.status is CommandStatus.ACCEPTED:
            if _age_s(command.sent_at, now) > timing.execution_timeout_s:
                self._move(queue, command, CommandEvent.NO_RESULT, now, transitions)
            return None
        if command.status is CommandStatus.SENT:
            if _age_s(command.sent_at, now) <= timing.answer_timeout_s:
                return None
            if command.attempts > timing.resends:
                self._move(queue, command, CommandEvent.NO_ANSWER_FINAL, now, transitions)
                return None
            event = CommandEvent.NO_ANSWER
        else:
            event = CommandEvent.DELIVER
        if command.mn not in connected:
            return None
        self._move(queue, command, event, now, transitions, sent=True)
        cp = dict(command.cp)
        if command.cn == Command.SET_TIME and "SystemTime" not in cp:
            cp["SystemTime"] = format_time(now)  # the time of sending, not of queueing (C.4)
        return Delivery(command.id, command.mn, command.cn, command.qn, cp, command.attempts + 1)

    @staticmethod
    def _move(
        queue: CommandQueue,
        command: PlatformCommand,
        event: CommandEvent,
        now: dt.datetime,
        transitions: list[Transition],
        *,
        sent: bool = False,
        qn_rtn: int | None = None,
        exe_rtn: int | None = None,
    ) -> None:
        status = TRANSITIONS.get((command.status, event))
        if status is None:
            return
        queue.update(command.id, status, at=now, sent=sent, qn_rtn=qn_rtn, exe_rtn=exe_rtn)
        transitions.append(Transition(command.id, command.mn, command.qn, command.cn, status))


def _age_s(since: dt.datetime | None, now: dt.datetime) -> float:
    return float("inf") if since is None else (now - since).total_seconds()
