/*	xcallsim: sim/trap.c, faults in kernel code as kernel traps	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Traps.  A kern_xcall.c that reads a slot after clearing it, or calls
 * through a stale xcall, faults; in a kernel that is a trap, and trap()
 * panics with what faulted where ("page fault trap ... Stopped at
 * cpu_xcall_dispatch+0x2c").  Here the host sends the CPU's thread a
 * SIGSEGV, SIGBUS, SIGFPE or SIGILL, and the handler, on the CPU's own
 * alternate stack (the fault may be a stack overflow), panics the same
 * way: the trap, the faulting address, the function and offset, the
 * source line when addr2line(1) can tell, and the CPU and its IPL.  The
 * panic is then like any other: every CPU's state, the trace, the hook.
 *
 * A fault on a thread that is not a CPU is the program's own: it goes to
 * the handler that was there before (a sanitizer's, say), or kills the
 * program as it would have.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "xcs_machine.h"

#define XCS_TRAP_STACK	(64 * 1024)

static const int xcs_trap_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
static struct sigaction xcs_trap_oldact[XCS_NITEMS(xcs_trap_signals)];
static int xcs_trap_installed;
static __thread void *xcs_trap_stack;
static __thread int xcs_trap_depth;

void
xcs_trap_tls_touch(void)
{
	XCS_TLS_TOUCH(xcs_trap_stack);
	XCS_TLS_TOUCH(xcs_trap_depth);
}

/* The kernel's name for what the host signal says happened. */
static const char *
xcs_trap_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return ("page fault trap");
	case SIGBUS:
		return ("bus error trap");
	case SIGFPE:
		return ("integer divide fault trap");
	default:
		return ("privileged instruction fault trap");
	}
}

/* The program counter of the faulting instruction, or NULL. */
static void *
xcs_trap_pc(void *uc)
{
#if defined(__linux__) && defined(__x86_64__)
	return ((void *)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__linux__) && defined(__aarch64__)
	return ((void *)((ucontext_t *)uc)->uc_mcontext.pc);
#else
	return (NULL);
#endif
}

/*
 * After a call through a NULL or stray function pointer the fault is at
 * the target, in no object; the return address on top of the stack
 * names the caller.
 */
static void *
xcs_trap_caller(void *uc)
{
#if defined(__linux__) && defined(__x86_64__)
	void **sp = (void **)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RSP];

	return (sp != NULL ? *sp : NULL);
#else
	return (NULL);
#endif
}

/* Whether the faulting access was a write, where the host says. */
static const char *
xcs_trap_access(int sig, void *uc)
{
	if (sig != SIGSEGV)
		return ("");
#if defined(__linux__) && defined(__x86_64__)
	/* The page fault error code: bit 1 is set for a write. */
	return (((ucontext_t *)uc)->uc_mcontext.gregs[REG_ERR] & 2 ?
	    " writing" : " reading");
#else
	return ("");
#endif
}

/*
 * The source line of pc in the object dladdr found, from addr2line(1)
 * in a child: fork, execve, read and waitpid are async-signal-safe, and
 * the machine is panicking anyway.  An empty string if it cannot tell.
 */
static void
xcs_trap_line(const Dl_info *dli, void *pc, char *buf, size_t size)
{
	static const char *const paths[] = {
	    "/usr/bin/addr2line", "/usr/local/bin/addr2line"
	};
	const Elf64_Ehdr *eh = dli->dli_fbase;
	char addr[32], *argv[5], *envp[1] = { NULL };
	uintptr_t off = (uintptr_t)pc;
	ssize_t n, got = 0;
	int fds[2], status;
	size_t i;
	pid_t pid;

	buf[0] = '\0';
	/* A position-independent object is mapped at dli_fbase. */
	if (eh != NULL && eh->e_type == ET_DYN)
		off -= (uintptr_t)dli->dli_fbase;
	snprintf(addr, sizeof(addr), "%#lx", (unsigned long)off);
	for (i = 0; i < XCS_NITEMS(paths); i++)
		if (access(paths[i], X_OK) == 0)
			break;
	if (i == XCS_NITEMS(paths) || pipe(fds) == -1)
		return;
	argv[0] = (char *)paths[i];
	argv[1] = (char *)"-e";
	argv[2] = (char *)dli->dli_fname;
	argv[3] = addr;
	argv[4] = NULL;
	if ((pid = fork()) == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(fds[1]);
	while (pid > 0 && got < (ssize_t)size - 1 &&
	    (n = read(fds[0], buf + got, size - 1 - got)) > 0)
		got += n;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	/* "??:0" and "??:?" mean addr2line did not know. */
	if (strncmp(buf, "??", 2) == 0)
		buf[0] = '\0';
}

/* Where the fault happened: "cpu_xcall_dispatch+0x2c at file:line". */
static void
xcs_trap_where(void *pc, char *buf, size_t size)
{
	char line[256];
	Dl_info dli;

	if (pc == NULL) {
		snprintf(buf, size, "address 0 (a call through a NULL "
		    "function pointer)");
		return;
	}
	if (dladdr(pc, &dli) == 0) {
		snprintf(buf, size, "%p", pc);
		return;
	}
	xcs_trap_line(&dli, pc, line, sizeof(line));
	if (dli.dli_sname != NULL)
		snprintf(buf, size, "%s+%#lx%s%s", dli.dli_sname,
		    (unsigned long)((char *)pc - (char *)dli.dli_saddr),
		    line[0] ? " at " : "", line);
	else
		snprintf(buf, size, "%p in %s%s%s", pc, dli.dli_fname,
		    line[0] ? " at " : "", line);
}

/* Not a CPU's fault: whatever would have happened without us. */
static void
xcs_trap_pass(int sig, siginfo_t *si, void *uc)
{
	struct sigaction *old = NULL;
	size_t i;

	for (i = 0; i < XCS_NITEMS(xcs_trap_signals); i++)
		if (xcs_trap_signals[i] == sig)
			old = &xcs_trap_oldact[i];
	if (old != NULL && (old->sa_flags & SA_SIGINFO)) {
		old->sa_sigaction(sig, si, uc);
		return;
	}
	if (old != NULL && old->sa_handler != SIG_DFL &&
	    old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	/* Returning refaults with the default action: the program dies. */
	signal(sig, SIG_DFL);
}

static void
xcs_trap_signal(int sig, siginfo_t *si, void *uc)
{
	struct cpu_info *ci = xcs_curcpu_tls;
	char where[512], caller[512], what[1200];
	Dl_info dli;
	size_t len;
	void *pc;

	/* A fault while panicking from one is not ours to report. */
	if (ci == NULL || xcs_trap_depth++ != 0) {
		xcs_trap_pass(sig, si, uc);
		return;
	}
	pc = xcs_trap_pc(uc);
	xcs_trap_where(pc, where, sizeof(where));
	caller[0] = '\0';
	if (pc == NULL || dladdr(pc, &dli) == 0) {
		len = snprintf(caller, sizeof(caller), ", called from ");
		xcs_trap_where(xcs_trap_caller(uc), caller + len,
		    sizeof(caller) - len);
	}
	snprintf(what, sizeof(what), "%s (%s%s address %p) in %s%s",
	    xcs_trap_name(sig), strsignal(sig), xcs_trap_access(sig, uc),
	    si->si_addr, where, caller);
	xcs_kern_trap(ci, what);
}

int
xcs_trap_install(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = xcs_trap_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < XCS_NITEMS(xcs_trap_signals); i++) {
		if (sigaction(xcs_trap_signals[i], &sa,
		    &xcs_trap_oldact[i]) == -1) {
			xcs_seterr("xcs_boot: trap signal %d: %s",
			    xcs_trap_signals[i], strerror(errno));
			while (i-- > 0)
				sigaction(xcs_trap_signals[i],
				    &xcs_trap_oldact[i], NULL);
			return (EINVAL);
		}
	}
	xcs_trap_installed = 1;
	return (0);
}

void
xcs_trap_uninstall(void)
{
	size_t i;

	if (!xcs_trap_installed)
		return;
	for (i = 0; i < XCS_NITEMS(xcs_trap_signals); i++)
		sigaction(xcs_trap_signals[i], &xcs_trap_oldact[i], NULL);
	xcs_trap_installed = 0;
}

/*
 * Give this CPU thread a stack of its own for the trap handler, before
 * it runs kernel code; and take it away when it stops being a CPU.
 */
int
xcs_trap_stack_attach(void)
{
	stack_t ss;

	xcs_trap_depth = 0;
	if ((xcs_trap_stack = malloc(XCS_TRAP_STACK)) == NULL)
		return (ENOMEM);
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = xcs_trap_stack;
	ss.ss_size = XCS_TRAP_STACK;
	if (sigaltstack(&ss, NULL) == -1) {
		free(xcs_trap_stack);
		xcs_trap_stack = NULL;
		return (errno);
	}
	return (0);
}

void
xcs_trap_stack_detach(void)
{
	stack_t ss;

	if (xcs_trap_stack == NULL)
		return;
	memset(&ss, 0, sizeof(ss));
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	free(xcs_trap_stack);
	xcs_trap_stack = NULL;
}
