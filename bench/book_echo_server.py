"""The book's TCP echo server, as a reference for the chapter 03 benchmark.

The same design as the book's example: a listening socket with a backlog of 5, a pool of 20
threads, one conversation per thread, recv(1024) and sendall until the client closes. The only
difference is that it prints nothing per message, so the benchmark measures the server and not
the terminal.

    python3 bench/book_echo_server.py [--host HOST] [--port PORT] [--threads N] [--backlog N]
"""
import argparse
import socket
from concurrent import futures


def handle(connection):
    with connection:
        while True:
            received = connection.recv(1024)
            if not received:
                break
            connection.sendall(received)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=8881)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--backlog", type=int, default=5)
    args = parser.parse_args()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.host, args.port))
        listener.listen(args.backlog)
        host, port = listener.getsockname()[:2]
        print(f"Serving at {host}:{port}", flush=True)
        with futures.ThreadPoolExecutor(args.threads) as pool:
            try:
                while True:
                    connection, _ = listener.accept()
                    pool.submit(handle, connection)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
