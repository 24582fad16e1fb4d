#!/bin/sh
# kad: runs the installed JavaScript with the system's Node.js. exec keeps the PID, so systemd's
# main process (Type=notify, NotifyAccess=main) is the daemon itself.
exec /usr/bin/node /usr/lib/kad/bin/kad.js "$@"
