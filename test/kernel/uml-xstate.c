/*
 * LD_PRELOAD shim for Debian's user-mode Linux 6.1 on hosts with a large XSAVE area.
 *
 * UML saves and restores its guest processes' FPU state with PTRACE_GETREGSET/SETREGSET
 * (NT_X86_XSTATE) through a buffer of fixed size (legacy area, header and AVX: 832 bytes).
 * Host kernels since 5.14 refuse a SETREGSET whose length differs from the host's whole XSAVE
 * size (EFAULT), and on a CPU with AVX-512 or AMX that size is several kilobytes, so the guest's
 * first user process dies with "ptrace set fp regs failed, errno = 14" and the kernel panics.
 *
 * The shim turns a short SETREGSET into a whole one: it reads the traced process's whole state,
 * lays UML's bytes over its start and writes it all back. The components UML does not know stay
 * as the host process has them. Every other ptrace call goes through unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef long (*ptrace_fn)(int, pid_t, void *, void *);

/* Larger than any x86 XSAVE area (AMX included, about 11 KiB). UML's tracer is one thread. */
static unsigned char whole_state[65536] __attribute__((aligned(64)));

long ptrace(enum __ptrace_request req, ...)
{
	static ptrace_fn real;
	va_list ap;
	pid_t pid;
	void *addr, *data;

	va_start(ap, req);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	if (req == PTRACE_SETREGSET && (uintptr_t)addr == NT_X86_XSTATE && data) {
		struct iovec *given = data;
		struct iovec whole = { whole_state, sizeof whole_state };

		if (real(PTRACE_GETREGSET, pid, addr, &whole) == 0 && whole.iov_len > given->iov_len) {
			memcpy(whole_state, given->iov_base, given->iov_len);
			return real(PTRACE_SETREGSET, pid, addr, &whole);
		}
	}
	return real(req, pid, addr, data);
}
