# Sends N HTTP GETs to HOST:PORT/index.html, one connection each, and prints a JSON count of the
# bodies received ("error" for failures). Usage: http_count.py HOST PORT N
import http.client, json, sys

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
counts = {}
for _ in range(n):
    try:
        c = http.client.HTTPConnection(host, port, timeout=3)
        c.request('GET', '/index.html', headers={'Connection': 'close'})
        body = c.getresponse().read().decode().strip()
        c.close()
    except Exception:
        body = 'error'
    counts[body] = counts.get(body, 0) + 1
print(json.dumps(counts))
