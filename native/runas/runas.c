/*
 * kad-runas UID GID GROUPS PROGRAM [ARG...]
 *
 * Drops from root to UID:GID with the supplementary group list GROUPS (comma-separated gids,
 * or "-" for none), then runs PROGRAM (an absolute path) with the arguments given, and exits as
 * it did (same status, or the same signal). The order matters: setgroups and setgid need root,
 * so they come before setuid. Failing to change identity exits 126 without running anything;
 * failing to exec exits 127.
 *
 * The helper stays as the parent of the script and the leader of its process group (kad's
 * runner made the group). When kad's process dies, the parent-death signal (SIGTERM, set after
 * the identity change, which would clear it) reaches the helper, which then kills the whole
 * group, so neither the script nor anything it started outlives kad. A SIGTERM while kad is
 * alive (a timeout: kad signals the whole group) is left to the script.
 *
 * The helper is also a child subreaper: a daemon the script starts in a session of its own
 * (setsid, double fork) leaves the process group but is re-parented to the helper when its
 * parent exits, and the helper kills every such descendant once the script is done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_IDENTITY 126
#define EXIT_EXEC 127
#define MAX_GROUPS 65536

static pid_t kad_pid;

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out > 0xfffffffeUL)
		return -1;
	return 0;
}

/* Parses "1,2,3" (or "-") into list; returns the count or -1. */
static int parse_groups(char *s, gid_t *list)
{
	int n = 0;
	char *save = NULL;
	unsigned long v;

	if (strcmp(s, "-") == 0)
		return 0;
	for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n >= MAX_GROUPS || parse_id(tok, &v))
			return -1;
		list[n++] = (gid_t)v;
	}
	return n;
}

/* SIGTERM: when kad is gone, take the whole group down (this process included). */
static void on_term(int sig)
{
	(void)sig;
	if (getppid() != kad_pid)
		kill(0, SIGKILL);
}

/* Kill every process re-parented to this one (descendants that left the group), and reap them. */
static void kill_descendants(void)
{
	char path[64];
	int pid, any;

	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	for (int round = 0; round < 64; round++) {
		FILE *f = fopen(path, "r");

		if (!f)
			return;
		any = 0;
		while (fscanf(f, "%d", &pid) == 1) {
			kill(pid, SIGKILL);
			any = 1;
		}
		fclose(f);
		if (!any)
			return;
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
}

/* Leave the way the script left: its exit status, or its signal (without a core dump). */
static void exit_like(int status)
{
	struct rlimit none = { 0, 0 };
	int sig;

	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	sig = WTERMSIG(status);
	setrlimit(RLIMIT_CORE, &none);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

int main(int argc, char **argv)
{
	static gid_t groups[MAX_GROUPS];
	unsigned long uid, gid;
	int ngroups, status;
	pid_t child;

	kad_pid = getppid();
	if (argc < 5 || parse_id(argv[1], &uid) || parse_id(argv[2], &gid) || argv[4][0] != '/')
		return EXIT_IDENTITY;
	ngroups = parse_groups(argv[3], groups);
	if (ngroups < 0)
		return EXIT_IDENTITY;
	if (setgroups((size_t)ngroups, groups) || setgid((gid_t)gid) || setuid((uid_t)uid))
		return EXIT_IDENTITY;
	/* Refuse to continue if root could be regained. */
	if (uid != 0 && setuid(0) == 0)
		return EXIT_IDENTITY;
	signal(SIGTERM, on_term);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (getppid() != kad_pid)
		return EXIT_EXEC;
	child = fork();
	if (child < 0)
		return EXIT_EXEC;
	if (child == 0) {
		signal(SIGTERM, SIG_DFL);
		execv(argv[4], &argv[4]);
		_exit(EXIT_EXEC);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_EXEC;
	kill_descendants();
	exit_like(status);
	return EXIT_EXEC;
}
