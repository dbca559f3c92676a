/*	xcallsim: sim/waitfor.c, who waits for whom	*/

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
 * The wait-for graph of the machine, for the reports of the watchdog
 * and of replay: a CPU that spins on another's full xcall slots, or
 * joins another's job, waits for that CPU.  Each report says which
 * edges count (the watchdog's only those of CPUs stuck long enough,
 * replay's those of CPUs it knows to be spinning); the walk, the
 * chain's text and a CPU's line are the same for both.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <stdio.h>
#include <string.h>

#include "xcs.h"

/*
 * Follow the edges from CPU start into path[], which has room for max
 * CPUs, until a CPU waits for none, for one already on the path, or
 * for start: *closes says whether it was start.  Returns the path's
 * length.
 */
unsigned int
xcs_wf_path(unsigned int start, xcs_wf_edge edge, void *arg,
    unsigned int *path, unsigned int max, int *closes)
{
	unsigned int i, len = 0, n = start;
	const char *what;
	int next;

	*closes = 0;
	for (;;) {
		path[len++] = n;
		next = edge(n, arg, &what);
		if (next < 0 || next >= (int)xcs_machine.xm_ncpus)
			return (len);
		if (next == (int)start) {
			*closes = 1;
			return (len);
		}
		if (len == max)
			return (len);
		for (i = 0; i < len; i++)
			if (path[i] == (unsigned int)next)
				return (len);
		n = next;
	}
}

/*
 * The CPU that ci waits for, or -1; *what says how.  spinning says
 * whether ci is in CPU_BUSY_CYCLE, which its observer knows best.
 */
int
xcs_wf_waits_for(struct cpu_info *ci, int spinning, const char **what)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_cpu *xc = ci->ci_xcs;
	struct proc *p = ci->ci_curproc;
	unsigned int n;
	int target;

	if (spinning) {
		target = xcs_atomic_load(&xc->xc_spin_target);
		*what = target >= 0 ? "spins in CPU_BUSY_CYCLE on the full "
		    "xcall slots of" : "spins in CPU_BUSY_CYCLE";
		return (target);
	}
	if (xcs_atomic_load(&p->p_wchan) != NULL) {
		*what = "sleeps";
		return (-1);
	}
	for (n = 0; n < xm->xm_ncpus; n++) {
		if (xcs_atomic_load(&xm->xm_xcs[n].xc_busy) &&
		    xcs_atomic_load(&xm->xm_xcs[n].xc_jobslot.xj_joiner) ==
		    ci && !xcs_atomic_load(&xm->xm_xcs[n].xc_jobslot.xj_done)) {
			*what = "waits for the job it joins on";
			return (n);
		}
	}
	*what = strcmp(xcs_atomic_load(&xc->xc_doing), "idle") == 0 ?
	    "is idle" : "waits";
	return (-1);
}

/* What ci waits in: " sleeps on \"xcsync\"", " spins ... of cpu2". */
static void
xcs_wf_print_wait(FILE *f, struct cpu_info *ci, const char *what,
    int target)
{
	struct proc *p = ci->ci_curproc;

	fprintf(f, " %s", what);
	if (target >= 0)
		fprintf(f, " cpu%d", target);
	if (xcs_atomic_load(&p->p_wchan) != NULL)
		fprintf(f, " on \"%s\"", p->p_wmesg ? p->p_wmesg : "?");
}

/* Its slots, and whether anything will ever dispatch them. */
static void
xcs_wf_print_slots(FILE *f, struct cpu_info *ci)
{
#ifdef MULTIPROCESSOR
	char name[64];
	size_t i;

	for (i = 0; i < nitems(ci->ci_xcall.xci_xcalls); i++) {
		if (xcs_slot_peek(ci, i) == NULL)
			continue;
		/* Named from the poster's note: the xcall may be gone. */
		fprintf(f, ", slot %zu holds %s", i, xcs_fn_name(
		    xcs_atomic_load(&ci->ci_xcs->xc_slot_func[i]), name,
		    sizeof(name)));
		if (xcs_atomic_load(&ci->ci_ipis) == 0 &&
		    xcs_atomic_load(&ci->ci_ipending) == 0) {
			fprintf(f, " with no IPI pending");
			xcs_print_unsent(f, ci, i);
		}
	}
#endif
}

/* One line about CPU ci: its level, its wait, its slots. */
void
xcs_wf_describe(FILE *f, struct cpu_info *ci, int spinning)
{
	const char *what;
	int target;

	target = xcs_wf_waits_for(ci, spinning, &what);
	fprintf(f, "  cpu%u at %s", ci->ci_cpuid,
	    xcs_ipl_name(xcs_atomic_load(&ci->ci_ilevel)));
	xcs_wf_print_wait(f, ci, what, target);
	if (xcs_atomic_load(&ci->ci_ipis) != 0)
		fprintf(f, ", IPI pending (masked)");
	xcs_wf_print_slots(f, ci);
	fprintf(f, "\n");
}

/* The first CPU on a wait-for cycle, or the longest chain's start. */
static unsigned int
xcs_wf_chain_start(xcs_wf_edge edge, void *arg, unsigned int *path)
{
	unsigned int n, len, best = 0, bestlen = 0;
	int closes;

	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		len = xcs_wf_path(n, edge, arg, path, xcs_machine.xm_ncpus,
		    &closes);
		if (closes)
			return (n);
		if (len > bestlen) {
			best = n;
			bestlen = len;
		}
	}
	return (best);
}

/*
 * The wait-for chain most worth reporting: "cpu1 (IPL_VM) -> cpu2
 * (IPL_VM) -> cpu1" when it closes a cycle, else the longest, with
 * what its last CPU waits in.  Returns whether it is a cycle.
 */
int
xcs_wf_chain(FILE *f, xcs_wf_edge edge, void *arg)
{
	struct cpu_info *ci;
	unsigned int path[MAXCPUS], i, len;
	const char *what;
	int closes;

	len = xcs_wf_path(xcs_wf_chain_start(edge, arg, path), edge, arg,
	    path, nitems(path), &closes);
	for (i = 0; i < len; i++) {
		ci = &xcs_machine.xm_cpus[path[i]];
		fprintf(f, "%scpu%u (%s)", i ? " -> " : "", path[i],
		    xcs_ipl_name(xcs_atomic_load(&ci->ci_ilevel)));
	}
	if (closes) {
		fprintf(f, " -> cpu%u", path[0]);
		return (1);
	}
	/* The chain ends in a wait for no CPU. */
	if (edge(path[len - 1], arg, &what) < 0)
		xcs_wf_print_wait(f, &xcs_machine.xm_cpus[path[len - 1]],
		    what, -1);
	return (0);
}

/*
 * The first slot that nothing will dispatch because its poster never
 * sent the IPI, said after the chain: in a deadlock it is the cause.
 */
void
xcs_wf_print_cause(FILE *f)
{
#ifdef MULTIPROCESSOR
	struct xcs_machine *xm = &xcs_machine;
	struct cpu_info *ci;
	unsigned int n;
	size_t i;
	int poster;

	for (n = 0; n < xm->xm_ncpus; n++) {
		ci = &xm->xm_cpus[n];
		if (xcs_atomic_load(&ci->ci_ipis) != 0 ||
		    xcs_atomic_load(&ci->ci_ipending) != 0)
			continue;
		for (i = 0; i < nitems(ci->ci_xcall.xci_xcalls); i++) {
			if (xcs_slot_peek(ci, i) == NULL ||
			    !xcs_slot_unsent(ci, i, &poster))
				continue;
			fprintf(f, "; no IPI will come for cpu%u slot %zu", n,
			    i);
			xcs_print_unsent(f, ci, i);
			return;
		}
	}
#endif
}
