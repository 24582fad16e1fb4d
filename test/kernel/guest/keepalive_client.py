# Holds one HTTP/1.1 keep-alive connection: GET, touch READY, wait for the file GO, GET again on
# the same socket. Prints a JSON object with both bodies and whether the socket was the same.
# Usage: keepalive_client.py HOST PORT READY GO
import http.client, json, os, sys, time

host, port, ready, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = http.client.HTTPConnection(host, port, timeout=10)
c.request('GET', '/index.html')
first = c.getresponse().read().decode().strip()
local = c.sock.getsockname()
open(ready, 'w').close()
deadline = time.time() + 60
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.05)
try:
    c.request('GET', '/index.html')
    second = c.getresponse().read().decode().strip()
    same = c.sock is not None and c.sock.getsockname() == local
except Exception as e:
    second, same = f'error: {e}', False
print(json.dumps({'first': first, 'second': second, 'sameSocket': same}))
