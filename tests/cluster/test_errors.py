"""Network failures read the same on every operating system: a sentence, never an errno."""

import errno
import socket

import pytest
import urllib3

from tui.cluster.errors import describe, transport_error


def test_a_refused_connection_reads_as_a_sentence():
    with pytest.raises(urllib3.exceptions.HTTPError) as caught:
        urllib3.PoolManager().request("GET", "http://127.0.0.1:1/", retries=False)
    error = transport_error(caught.value)
    assert (error.kind, str(error)) == (
        "unreachable",
        "connection refused: nothing listens at that address and port",
    )
    assert "Errno" not in describe(error)


@pytest.mark.parametrize(
    ("raised", "says"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "connection refused"),
        (ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), "reset before"),
        (OSError(errno.EHOSTUNREACH, "No route to host"), "no route to the API server's host"),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), "no route to the API server's network"),
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "does not resolve"),
    ],
)
def test_socket_errors_become_sentences_wherever_they_sit_in_the_chain(raised, says):
    try:
        try:
            raise raised
        except OSError as cause:
            raise RuntimeError("Failed to establish a new connection") from cause
    except RuntimeError as wrapped:
        error = transport_error(wrapped)
    assert error.kind == "unreachable" and says in str(error) and "Errno" not in str(error)


def test_other_failures_keep_their_own_words():
    assert (
        str(transport_error(OSError(errno.EACCES, "Permission denied")))
        == f"[Errno {errno.EACCES}] Permission denied"
    )
