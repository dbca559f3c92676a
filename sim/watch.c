/*	xcallsim: sim/watch.c, hardware watchpoints on the xcall slots	*/

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
 * The widen fault: stop a dispatch pass between taking a slot and
 * clearing it.  Upstream's cpu_xcall_dispatch() does both with plain
 * loads and stores, which no wrapper of the machine sees, so the machine
 * watches the slots the way ddb's hardware watchpoints would: four
 * debug-register breakpoints, one per slot, opened with
 * perf_event_open(2) on the dispatching CPU's own thread and armed only
 * while it runs a dispatch pass.  Each access to a slot there raises a
 * synchronous SIGTRAP right after the instruction, so between the load
 * of a slot and the store that clears it; with probability P the
 * handler then spins for up to US microseconds, taking the interrupts
 * its IPL allows, or, under replay, offers the scheduler a switch.
 *
 * The handler runs on the CPU's thread, inside the dispatch it stopped,
 * and touches no slot itself: it disarms the watchpoints while it
 * waits, so that nothing it runs traps again.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/xcall.h>

#include <machine/cpu.h>

#ifdef XCS_HOST_WATCHPOINTS
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#endif

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xcs.h"

#if defined(MULTIPROCESSOR) && defined(XCS_HOST_WATCHPOINTS)

#ifndef TRAP_PERF
#define TRAP_PERF	6	/* si_code of a perf event's SIGTRAP */
#endif

#define XCS_WATCH_SLOTS	nitems(((struct xcall_cpu *)NULL)->xci_xcalls)

/*
 * This thread's watchpoints: a group led by the first, so one ioctl
 * arms or disarms all four; whose slots they watch; how deep in
 * dispatch passes the thread is.
 */
static __thread int xcs_watch_fd[XCS_WATCH_SLOTS] = { -1, -1, -1, -1 };
_Static_assert(XCS_WATCH_SLOTS == 4, "one watchpoint per slot, four");
static __thread struct cpu_info *xcs_watch_ci;
static __thread int xcs_watch_depth;
static __thread int xcs_watch_used;	/* it ever opened watchpoints */

void
xcs_watch_tls_touch(void)
{
	XCS_TLS_TOUCH(xcs_watch_fd);
	XCS_TLS_TOUCH(xcs_watch_ci);
	XCS_TLS_TOUCH(xcs_watch_depth);
	XCS_TLS_TOUCH(xcs_watch_used);
}

/*
 * The handler the trap handler chains to.  Once installed, the trap
 * handler stays for the life of the process: a late debug trap of ours
 * after shutdown would otherwise end the program.
 */
static struct sigaction xcs_watch_oldtrap;
static int xcs_watch_installed;

static void
xcs_watch_attr(struct perf_event_attr *a, struct cpu_info *ci, size_t i)
{
	memset(a, 0, sizeof(*a));
	a->type = PERF_TYPE_BREAKPOINT;
	a->size = sizeof(*a);
	a->bp_type = HW_BREAKPOINT_RW;	/* amd64 has no read-only kind */
	a->bp_addr = (uintptr_t)&ci->ci_xcall.xci_xcalls[i];
	a->bp_len = HW_BREAKPOINT_LEN_8;
	a->sample_period = 1;
	a->disabled = 1;
	a->sigtrap = 1;
	a->remove_on_exec = 1;		/* which sigtrap requires */
	a->exclude_kernel = 1;
	a->exclude_hv = 1;
}

/* Close this thread's watchpoints, if it has any. */
void
xcs_watch_close(void)
{
	size_t i;

	for (i = 0; i < XCS_WATCH_SLOTS; i++) {
		if (xcs_watch_fd[i] != -1)
			close(xcs_watch_fd[i]);
		xcs_watch_fd[i] = -1;
	}
	xcs_watch_ci = NULL;
	xcs_watch_depth = 0;
}

/* Open this thread's watchpoints on ci's slots, disarmed; an errno. */
static int
xcs_watch_open(struct cpu_info *ci)
{
	struct perf_event_attr a;
	size_t i;
	long fd;

	for (i = 0; i < XCS_WATCH_SLOTS; i++) {
		xcs_watch_attr(&a, ci, i);
		fd = syscall(SYS_perf_event_open, &a, 0, -1,
		    i == 0 ? -1 : xcs_watch_fd[0], PERF_FLAG_FD_CLOEXEC);
		if (fd == -1) {
			int error = errno;

			xcs_watch_close();
			return (error);
		}
		xcs_watch_fd[i] = (int)fd;
		xcs_watch_used = 1;
	}
	xcs_watch_ci = ci;
	return (0);
}

/* Point this thread's watchpoints at ci's slots instead. */
static int
xcs_watch_move(struct cpu_info *ci)
{
	struct perf_event_attr a;
	size_t i;

	for (i = 0; i < XCS_WATCH_SLOTS; i++) {
		xcs_watch_attr(&a, ci, i);
		if (ioctl(xcs_watch_fd[i], PERF_EVENT_IOC_MODIFY_ATTRIBUTES,
		    &a) == -1)
			return (errno);
	}
	xcs_watch_ci = ci;
	return (0);
}

static void
xcs_watch_arm(int on)
{
	(void)ioctl(xcs_watch_fd[0], on ? PERF_EVENT_IOC_ENABLE :
	    PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

/*
 * A SIGTRAP that nobody handles ends the program: say which, with
 * write(2), the one output a signal handler may use.
 */
static void
xcs_watch_say_trap(int code)
{
	char msg[] = "xcallsim: SIGTRAP (si_code 0000) that is not the "
	    "widen fault's and has no handler\n";
	char *d = strchr(msg, '0');
	int i;

	for (i = 3; i >= 0; i--, code /= 10)
		d[i] = '0' + (code < 0 ? 0 : code % 10);
	(void)write(STDERR_FILENO, msg, sizeof(msg) - 1);
}

/*
 * The trap: a slot access in a dispatch pass just happened.  Traps
 * that are not the watchpoints' go to whatever handler was there.  A
 * watchpoint's trap can come late, on a busy host after the thread has
 * closed its watchpoints, stopped being a CPU or shut the machine down:
 * it is dropped.
 */
static void
xcs_watch_trap(int sig, siginfo_t *si, void *uc)
{
	struct cpu_info *ci = xcs_curcpu_tls;

	/*
	 * A busy host can preempt the thread while its watchpoints are
	 * being disarmed: the debug trap then reaches it as a plain
	 * hardware breakpoint (TRAP_HWBKPT), not through perf, or, with
	 * the debug status already taken by perf, as a debug trap that
	 * names no breakpoint (x86 says TRAP_BRKPT; an int3 would say
	 * SI_KERNEL).  On a thread that has had watchpoints, ours too;
	 * dropped.
	 */
	if ((si->si_code == TRAP_HWBKPT || si->si_code == TRAP_BRKPT) &&
	    xcs_watch_used)
		return;
	if (si->si_code != TRAP_PERF) {
		if (xcs_watch_oldtrap.sa_flags & SA_SIGINFO)
			xcs_watch_oldtrap.sa_sigaction(sig, si, uc);
		else if (xcs_watch_oldtrap.sa_handler == SIG_DFL) {
			xcs_watch_say_trap(si->si_code);
			abort();	/* as the default would, with a core */
		}
		else if (xcs_watch_oldtrap.sa_handler != SIG_IGN)
			xcs_watch_oldtrap.sa_handler(sig);
		return;
	}
	if (ci == NULL || xcs_watch_fd[0] == -1)
		return;
	if (!xcs_fault(ci, xcs_faults.f_widen))
		return;
	xcs_watch_arm(0);
	if (xcs_replay_active())
		xcs_replay_point(XCS_RP_READ);
	else
		xcs_fault_spin(1 +
		    xcs_fault_random(ci) % xcs_faults.f_widen_us);
	xcs_watch_arm(1);
}

/* Take SIGTRAP, once per process; an errno. */
static int
xcs_watch_install(void)
{
	struct sigaction sa;

	if (xcs_watch_installed)
		return (0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = xcs_watch_trap;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	/* The IPI signal stays open: a widened window takes interrupts. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTRAP, &sa, &xcs_watch_oldtrap) == -1)
		return (errno);
	xcs_watch_installed = 1;
	return (0);
}

/*
 * At boot: take SIGTRAP and check, on the booting thread, that this
 * host gives a thread watchpoints of its own.
 */
int
xcs_watch_init(void)
{
	int error;

	if (!xcs_faults.f_widen)
		return (0);
	/*
	 * Valgrind runs the program on a synthetic CPU: the breakpoints
	 * fire in its translated code and it delivers the traps where it
	 * likes, which hangs the run.  Its preload library gives it away.
	 */
	if (xcs_config_under_valgrind()) {
		xcs_seterr("xcs_boot: the widen fault needs hardware "
		    "watchpoints, which do not work under valgrind");
		return (ENOTSUP);
	}
	if ((error = xcs_watch_open(&xcs_machine.xm_cpus[0])) != 0) {
		xcs_seterr("xcs_boot: the widen fault needs hardware "
		    "watchpoints, and perf_event_open(2) refused one: %s",
		    strerror(error));
		return (error);
	}
	if ((error = xcs_watch_install()) != 0) {
		xcs_watch_close();
		xcs_seterr("xcs_boot: sigaction(SIGTRAP): %s", strerror(error));
		return (error);
	}
	xcs_hooks.xh_dispatch_begin = xcs_watch_begin;
	xcs_hooks.xh_dispatch_end = xcs_watch_end;
	return (0);
}

/* At shutdown, on the booting thread; the trap handler stays. */
void
xcs_watch_fini(void)
{
	xcs_hooks.xh_dispatch_begin = NULL;
	xcs_hooks.xh_dispatch_end = NULL;
	xcs_watch_close();
}

/*
 * A dispatch pass over the slots of the CPU whose cpu_info holds p
 * begins on this thread: arm the watchpoints on them.  Anything else
 * (a soft interrupt handler of another kind) is not watched.
 */
void
xcs_watch_begin(const void *p)
{
	struct cpu_info *self = xcs_curcpu_tls, *ci;
	int error = 0;

	if (xcs_watch_depth++ != 0 || (ci = xcs_cpu_holding(p)) == NULL)
		return;
	if (xcs_watch_fd[0] == -1)
		error = xcs_watch_open(ci);
	else if (xcs_watch_ci != ci)
		error = xcs_watch_move(ci);
	if (error != 0)
		panic("cpu_xcall_dispatch: cpu%u at %s: cannot watch cpu%u's "
		    "slots for the widen fault: %s", self->ci_cpuid,
		    xcs_ipl_name(self->ci_ilevel), ci->ci_cpuid,
		    strerror(error));
	xcs_watch_arm(1);
}

/* The dispatch pass is over. */
void
xcs_watch_end(void)
{
	if (--xcs_watch_depth == 0 && xcs_watch_fd[0] != -1)
		xcs_watch_arm(0);
}

#else /* MULTIPROCESSOR && XCS_HOST_WATCHPOINTS */

/*
 * A uniprocessor kernel has no slots and no dispatch to widen; a host
 * without the watchpoints cannot stop a dispatch pass between its
 * plain accesses, so the widen fault is refused there.
 */
int
xcs_watch_init(void)
{
#ifdef MULTIPROCESSOR
	if (xcs_faults.f_widen) {
		xcs_seterr("xcs_boot: the widen fault needs hardware "
		    "watchpoints, which the %s host layer does not have",
		    xcs_host_name);
		return (ENOTSUP);
	}
#endif
	return (0);
}

void
xcs_watch_fini(void)
{
}

void
xcs_watch_close(void)
{
}

void
xcs_watch_tls_touch(void)
{
}

void
xcs_watch_begin(const void *p)
{
}

void
xcs_watch_end(void)
{
}

#endif /* MULTIPROCESSOR && XCS_HOST_WATCHPOINTS */
