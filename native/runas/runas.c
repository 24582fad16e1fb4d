/*
 * kad-runas UID GID GROUPS PROGRAM [ARG...]
 *
 * Drops from root to UID:GID with the supplementary group list GROUPS (comma-separated gids,
 * or "-" for none), then execs PROGRAM (an absolute path) with the arguments given. The order
 * matters: setgroups and setgid need root, so they come before setuid. Any failure exits
 * with 126 (could not change identity) or 127 (could not exec) without running anything.
 *
 * The parent death signal is set to SIGTERM so a script does not outlive kad's process that
 * started it; the signal is reset by setuid, so it is set again after the identity change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define EXIT_IDENTITY 126
#define EXIT_EXEC 127
#define MAX_GROUPS 65536

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

int main(int argc, char **argv)
{
	static gid_t groups[MAX_GROUPS];
	unsigned long uid, gid;
	int ngroups;

	if (argc < 5 || parse_id(argv[1], &uid) || parse_id(argv[2], &gid) || argv[4][0] != '/')
		return EXIT_IDENTITY;
	ngroups = parse_groups(argv[3], groups);
	if (ngroups < 0)
		return EXIT_IDENTITY;
	if (setgroups((size_t)ngroups, groups) || setgid((gid_t)gid) || setuid((uid_t)uid))
		return EXIT_IDENTITY;
	/* Refuse to continue if root could be regained (setuid semantics differ under capabilities). */
	if (uid != 0 && setuid(0) == 0)
		return EXIT_IDENTITY;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	execv(argv[4], &argv[4]);
	return EXIT_EXEC;
}
