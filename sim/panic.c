/*	xcallsim: sim/panic.c, panic and the state dump	*/

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
 * The host's side of panic(9), which is sim/kern/subr_prf.c: every
 * CPU's state (IPL, interrupt depth, pending sources and IPIs, xcall
 * slots, what it is running), the other CPUs stopped, and the tests'
 * intercepts (xcallsim.h); without one the program aborts, as a kernel
 * stops.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcs.h"

static xcs_panic_hook xcs_hook;
static void *xcs_hook_arg;
static xcs_panic_hook xcs_stop_hook;
static void *xcs_stop_hook_arg;

static const char *const xcs_state_names[] = {
	[XCS_RUNNING] = "running",
	[XCS_POLLING] = "polling",
	[XCS_BLOCKED] = "halted",
	[XCS_STOPPED] = "stopped",
};

void
xcs_stop_intercept(xcs_panic_hook hook, void *arg)
{
	xcs_stop_hook = hook;
	xcs_stop_hook_arg = arg;
}

/*
 * A CPU stopped by a panic with no frame to go back to: the stop hook
 * must take it elsewhere.
 */
__attribute__((__noreturn__)) void
xcs_panic_stop(struct cpu_info *ci)
{
	if (xcs_stop_hook != NULL)
		xcs_stop_hook(xcs_panic_message(), xcs_stop_hook_arg);
	fprintf(stderr, "xcallsim: cpu%u was stopped by a panic with no job "
	    "to abandon and no stop hook (xcs_stop_intercept)\n",
	    ci->ci_cpuid);
	abort();
}

void
xcs_panic_intercept(xcs_panic_hook hook, void *arg)
{
	xcs_hook = hook;
	xcs_hook_arg = arg;
}

const char *
xcs_panic_message(void)
{
	return (xcs_atomic_load(&panicstr));
}

/*
 * Name a function: its symbol if dladdr finds one, else its address,
 * written into buf.
 */
const char *
xcs_fn_name(void *fn, char *buf, size_t size)
{
	Dl_info dli;

	if (fn != NULL && dladdr(fn, &dli) != 0 && dli.dli_sname != NULL)
		return (dli.dli_sname);
	snprintf(buf, size, "%p", fn);
	return (buf);
}

void
xcs_print_fn(FILE *f, void *fn)
{
	char buf[32];

	fprintf(f, "%s", xcs_fn_name(fn, buf, sizeof(buf)));
}

#ifdef MULTIPROCESSOR
static void
xcs_dump_slots(FILE *f, struct cpu_info *ci)
{
	struct xcs_cpu *xcs = ci->ci_xcs;
	struct xcall *xc;
	size_t i;
	int poster;

	fprintf(f, "    slots:");
	for (i = 0; i < nitems(ci->ci_xcall.xci_xcalls); i++) {
		xc = xcs_slot_peek(ci, i);
		if (xc == NULL) {
			fprintf(f, " [%zu] empty", i);
			continue;
		}
		fprintf(f, " [%zu] ", i);
		xcs_print_fn(f, xcs_atomic_load(&xcs->xc_slot_func[i]));
		fprintf(f, "(%p)", xcs_atomic_load(&xcs->xc_slot_arg[i]));
		if (xcs_slot_unsent(ci, i, &poster))
			fprintf(f, " from cpu%d, no IPI sent", poster);
	}
	fprintf(f, "\n");
}
#else
static void
xcs_dump_slots(FILE *f, struct cpu_info *ci)
{
}
#endif

/*
 * One CPU's line of the state dump, and its slots.  The xcall it is
 * running is named from the function pointer it kept when it took the
 * xcall: the struct xcall itself may be gone by now.
 */
void
xcs_dump_cpu(FILE *f, struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	const char *doing;
	unsigned int state;
	int ilevel;

	ilevel = xcs_atomic_load(&ci->ci_ilevel);
	state = xcs_atomic_load(&xc->xc_state);
	doing = xcs_atomic_load(&xc->xc_doing);
	fprintf(f, "cpu%u: %s, idepth %d, ipending %#lx, ipis %#x, %s, %s",
	    ci->ci_cpuid, xcs_ipl_name(ilevel),
	    xcs_atomic_load(&ci->ci_idepth),
	    (unsigned long)xcs_atomic_load(&ci->ci_ipending),
	    xcs_atomic_load(&ci->ci_ipis), xcs_state_names[state],
	    doing != NULL ? doing : "?");
#ifdef MULTIPROCESSOR
	if (xcs_doing_xcalls(doing) &&
	    xcs_atomic_load(&xc->xc_last_func) != NULL) {
		fprintf(f, " (last xcall taken: ");
		xcs_print_fn(f, xcs_atomic_load(&xc->xc_last_func));
		fprintf(f, ")");
	}
#endif
	fprintf(f, "\n");
	xcs_dump_slots(f, ci);
}

/* Print every CPU's state, as ddb's "show all cpus" would. */
void
xcs_dump_cpus(void)
{
	struct xcs_machine *xm = &xcs_machine;
	unsigned int n;

	for (n = 0; n < xm->xm_ncpus; n++)
		xcs_dump_cpu(stderr, &xm->xm_cpus[n]);
}

/*
 * Wake every CPU, so that one asleep sees the panic and stops, as the
 * kernel's panic stops the other CPUs.
 */
static void
xcs_panic_stop_others(void)
{
	struct xcs_machine *xm = &xcs_machine;
	unsigned int n;

	for (n = 0; n < xm->xm_ncpus; n++)
		xcs_cpu_kick(&xm->xm_cpus[n]);
}

/*
 * The host's part of the first panic (a hypercall of panic()), whose
 * message the kernel has printed: the state of every CPU, the trace,
 * replay frozen where it is, the other CPUs stopped, and the test's
 * intercept, if it has one.
 */
void
xcs_panic_host(struct cpu_info *ci, const char *msg)
{
	xcs_dump_cpus();
	xcs_trace(ci, XCS_TR_PANIC, 0, -1, NULL, 0);
	xcs_replay_freeze(ci);
	xcs_trace_panic();
	xcs_panic_stop_others();
	if (xcs_hook != NULL)
		xcs_hook(msg, xcs_hook_arg);
	else
		xcs_trace_final();
}

/*
 * The panicking CPU stops: back to its job's frame if a test
 * intercepts panics, else the process ends, as the kernel would.
 */
void
xcs_panic_halt(struct cpu_info *ci)
{
	if (xcs_hook == NULL || ci == NULL)
		abort();
	xcs_cpu_abandon(ci);
}

int
xcs_console_vprintf(const char *fmt, va_list ap)
{
	return (vfprintf(stderr, fmt, ap));
}
