"""Ports for child servers: free now, and never the same one twice from one process."""

import socket

from app.embedded.process import LISTENING_PORTS, free_port


def test_ports_handed_out_before_any_child_binds_are_all_different() -> None:
    ports = [free_port() for _ in range(500)]
    assert len(set(ports)) == len(ports)
    assert all(port in LISTENING_PORTS for port in ports)


def test_a_port_someone_listens_on_is_not_handed_out() -> None:
    holders = []
    for port in LISTENING_PORTS[:200]:
        holder = socket.socket()
        try:
            holder.bind(("127.0.0.1", port))
        except OSError:
            holder.close()
            continue
        holder.listen()
        holders.append(holder)
    held = {holder.getsockname()[1] for holder in holders}
    try:
        assert not held & {free_port() for _ in range(500)}
    finally:
        for holder in holders:
            holder.close()
