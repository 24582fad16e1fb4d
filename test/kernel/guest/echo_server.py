# TCP server for kernel tests: answers each line with "<name>:<line>". Usage: echo_server.py NAME PORT
import socket, sys, threading

name, port = sys.argv[1], int(sys.argv[2])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('0.0.0.0', port))
srv.listen(64)


def serve(conn):
    f = conn.makefile('rb')
    for line in f:
        conn.sendall(f'{name}:{line.decode().strip()}\n'.encode())
    conn.close()


while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
