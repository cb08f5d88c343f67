"""Two terminals on one machine: a seat played from a second terminal, over a socket bound to 127.0.0.1.

The terminal that starts the game (`play --seat US --seat China --remote China`) keeps its local seats
and waits for each remote seat to join with the code it prints (`join 127.0.0.1:PORT --code CODE`).
Each seat's questions and lines go to its own terminal only; the round's banner and injects go to all.
The messages are JSON lines: {"say": text} and {"ask": prompt} to a seat, {"answer": text} back. A
remote terminal that goes away is end of input for its seat: the session is saved, as at one terminal.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
from collections.abc import Callable

from negotiation.common.errors import InputError

HOST = "127.0.0.1"  # never any other address: the game is for terminals on this machine
JOIN_WAIT = 600.0  # seconds the game waits for a remote seat to join


class RemoteSeat:
    """One remote seat's connection, on the game's side."""

    def __init__(self, seat: str, conn: socket.socket):
        self.seat, self.conn = seat, conn
        self.reader = conn.makefile("r", encoding="utf-8", newline="\n")

    def send(self, **message) -> None:
        try:
            self.conn.sendall((json.dumps(message) + "\n").encode("utf-8"))
        except OSError:
            raise EOFError from None

    def ask(self, prompt: str) -> str:
        self.send(ask=prompt)
        line = self.reader.readline()
        if not line:
            raise EOFError
        try:
            return str(json.loads(line)["answer"])[:1000]
        except (ValueError, KeyError, TypeError):
            raise EOFError from None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()


class Lobby:
    """The listening socket and a code for each remote seat; `wait` accepts them until all have joined."""

    def __init__(self, seats: list[str], port: int = 0):
        self.codes = {secrets.token_hex(3).upper(): seat for seat in seats}
        self.server = socket.create_server((HOST, port))
        self.port = self.server.getsockname()[1]
        self.joined: dict[str, RemoteSeat] = {}

    def commands(self) -> list[str]:
        return [f"{seat}: python run.py join {HOST}:{self.port} --code {code}" for code, seat in self.codes.items()]

    def wait(self, timeout: float = JOIN_WAIT) -> dict[str, RemoteSeat]:
        self.server.settimeout(timeout)
        while len(self.joined) < len(self.codes):
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                raise InputError("--remote", f"no terminal joined within {timeout:.0f} s") from None
            conn.settimeout(30)
            try:
                code = conn.makefile("r", encoding="utf-8").readline().strip().upper()
            except OSError:
                code = ""
            conn.settimeout(None)
            seat = self.codes.get(code)
            if seat is None or seat in self.joined:
                conn.sendall(b'{"refused": "no seat has that code, or it is taken"}\n')
                conn.close()
                continue
            self.joined[seat] = RemoteSeat(seat, conn)
            self.joined[seat].send(say=f"Joined: you play {seat}. Wait for your turn.")
        self.server.close()
        return self.joined


def router(remote: dict[str, RemoteSeat], ask: Callable[[str], str] = input, say: Callable[[str], None] = print):
    """The session's routed ask(prompt, seat) and say(text, seat): remote seats over their sockets, the rest here."""

    def routed_ask(prompt: str, seat: str) -> str:
        return remote[seat].ask(prompt) if seat in remote else ask(prompt)

    def routed_say(text: str, seat: str | None = None) -> None:
        if seat is None or seat not in remote:
            say(text)
        for name, r in remote.items():
            if seat is None or seat == name:
                with contextlib.suppress(EOFError):  # its next question ends the session
                    r.send(say=text)
    return routed_ask, routed_say


def join(address: str, code: str, ask: Callable[[str], str] = input, say: Callable[[str], None] = print) -> int:
    """The second terminal: connect to the game on this machine, show what it says, answer what it asks."""
    host, _, port = address.rpartition(":")
    if host not in (HOST, "localhost") or not port.isdigit():
        raise InputError("join", f"{address!r}: give the address the game printed, {HOST}:PORT")
    try:
        conn = socket.create_connection((HOST, int(port)), timeout=10)
    except OSError as exc:
        raise InputError("join", f"no game at {HOST}:{port} ({exc.strerror or exc})") from None
    conn.settimeout(None)
    with conn, conn.makefile("r", encoding="utf-8") as reader:
        conn.sendall((code.strip() + "\n").encode("utf-8"))
        for line in reader:
            message = json.loads(line)
            if "refused" in message:
                raise InputError("--code", message["refused"])
            if "say" in message:
                say(message["say"])
            elif "ask" in message:
                conn.sendall((json.dumps({"answer": ask(message["ask"])}) + "\n").encode("utf-8"))
            elif "end" in message:
                say(message["end"])
                return 0
    say("The other terminal closed the game without saying how it ended (it may have been stopped there).")
    return 0
