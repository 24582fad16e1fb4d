# Sends N HTTP GETs to HOST:PORT/index.html, one connection each, and prints a JSON count of the
# bodies received ("error" for failures). Usage: http_count.py HOST PORT N
# With --every SECONDS instead of N (the demo's client): one GET every SECONDS, forever, printing
# each answer on a line of its own as it comes ("error": no answer within 1 s).
import http.client, json, sys, time

host, port = sys.argv[1], int(sys.argv[2])


def get(timeout):
    try:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
        c.request('GET', '/index.html', headers={'Connection': 'close'})
        body = c.getresponse().read().decode().strip()
        c.close()
        return body
    except Exception:
        return 'error'


if sys.argv[3] == '--every':
    period = float(sys.argv[4])
    while True:
        t0 = time.monotonic()
        print(get(1), flush=True)
        time.sleep(max(0.0, period - (time.monotonic() - t0)))
counts = {}
for _ in range(int(sys.argv[3])):
    body = get(3)
    counts[body] = counts.get(body, 0) + 1
print(json.dumps(counts))
