# Opens one TCP connection, exchanges a line, waits until the file GO exists, exchanges a second
# line on the same connection, and prints both answers. Usage: hold_client.py HOST PORT READY GO
import os, socket, sys, time

host, port, ready, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection((host, port), timeout=10)
f = s.makefile('rb')
s.sendall(b'first\n')
a = f.readline().decode().strip()
open(ready, 'w').close()
deadline = time.time() + 60
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.05)
s.sendall(b'second\n')
b = f.readline().decode().strip()
print(a)
print(b)
