/*	xcallsim: sim/watchdog_report.c, what the watchdog says	*/

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
 * The watchdog's reports (sim/watchdog.c says when it makes them): a
 * CPU that spins, a cycle of CPUs that wait for each other's slots, a
 * slot nothing will dispatch; each as a struct xcs_stall for the test's
 * intercept, and as text for the stuck CPU to panic with.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "xcs.h"
#include "watchdog.h"

static xcs_watchdog_hook xcs_wd_hook;
static void *xcs_wd_hook_arg;

void
xcs_watchdog_intercept(xcs_watchdog_hook hook, void *arg)
{
	xcs_wd_hook = hook;
	xcs_wd_hook_arg = arg;
}

/* Whether ci's level keeps it from running its own xcalls. */
static int
xcs_wd_masked(struct cpu_info *ci)
{
	int ipl = xcs_atomic_load(&ci->ci_ilevel);

	if (xcs_machine.xm_glue == XCS_GLUE_SOFTINTR)
		return (ipl >= IPL_IPI);
	return (ipl >= IPL_SOFTCLOCK);
}

/* Print the report, hand it to the hook, free it. */
static void
xcs_wd_emit(struct xcs_stall *st, char *text)
{
	st->st_text = text;
	fputs(text, stderr);
	fflush(stderr);
	if (xcs_wd_hook != NULL)
		xcs_wd_hook(st, xcs_wd_hook_arg);
	free(text);
}

struct cpu_info *
xcs_wd_cpu_info(unsigned int n)
{
	return (&xcs_machine.xm_cpus[n]);
}

static void
xcs_wd_stall_init(struct xcs_stall *st, enum xcs_stall_kind kind,
    unsigned int cpu, unsigned int ms)
{
	memset(st, 0, sizeof(*st));
	st->st_kind = kind;
	st->st_cpu = cpu;
	st->st_ipl = xcs_atomic_load(&xcs_wd_cpu_info(cpu)->ci_ilevel);
	st->st_target = -1;
	st->st_target_ipl = -1;
	st->st_slot = -1;
	st->st_ms = ms;
}

/*
 * Ask the stuck CPU to panic with the report's first line, once: the
 * message stays in place until the machine shuts down.
 */
static void
xcs_wd_spunout(struct xcs_watchdog *wd, unsigned int cpu, const char *text)
{
	char *msg = wd->wd_cpus[cpu].wc_spunout;
	size_t len;

	if (!wd->wd_panic || msg[0] != '\0')
		return;
	len = MIN(strcspn(text, "\n"), sizeof(wd->wd_cpus[cpu].wc_spunout) -
	    1);
	memcpy(msg, text, len);
	msg[len] = '\0';
	/* The store publishes msg, which is complete before it. */
	xcs_atomic_store(&xcs_wd_cpu_info(cpu)->ci_xcs->xc_spunout,
	    (const char *)msg);
	/* A halted CPU must wake to read it. */
	xcs_cpu_kick(xcs_wd_cpu_info(cpu));
}

/* The watchdog's wait-for edge: to a CPU that is stuck too. */
struct xcs_wd_edge {
	struct xcs_watchdog	*we_wd;
	uint64_t		 we_now;
};

static int
xcs_wd_edge(unsigned int n, void *arg, const char **what)
{
	struct xcs_wd_edge *we = arg;
	struct xcs_wd_cpu *wc;
	int next;

	*what = "spins on the full xcall slots of";
	next = xcs_atomic_load(&xcs_wd_cpu_info(n)->ci_xcs->xc_spin_target);
	if (next < 0 || next >= (int)xcs_machine.xm_ncpus)
		return (-1);
	wc = &we->we_wd->wd_cpus[next];
	if (wc->wc_spin_since == 0 ||
	    we->we_now - wc->wc_spin_since < we->we_wd->wd_ms)
		return (-1);
	return (next);
}

/*
 * Follow the wait-for edges from CPU n through CPUs that are stuck too.
 * Returns the cycle's length if the path comes back to n, else 0.
 */
unsigned int
xcs_wd_cycle(struct xcs_watchdog *wd, unsigned int n, uint64_t now,
    unsigned int *cycle)
{
	struct xcs_wd_edge we = { wd, now };
	unsigned int i, len;
	int closes;

	len = xcs_wf_path(n, xcs_wd_edge, &we, cycle, XCS_STALL_MAXCYCLE,
	    &closes);
	if (!closes)
		return (0);
	/*
	 * A member that can run its own xcalls will empty its slots and
	 * let its waiter go: only a cycle of masked CPUs is a deadlock.
	 */
	for (i = 0; i < len; i++)
		if (!xcs_wd_masked(xcs_wd_cpu_info(cycle[i])))
			return (0);
	return (len);
}

void
xcs_wd_report_cycle(struct xcs_watchdog *wd, unsigned int *cycle,
    unsigned int len, uint64_t now)
{
	struct xcs_wd_cpu *wc;
	struct xcs_stall st;
	struct cpu_info *ci;
	unsigned int i, ms;
	char *text;
	size_t size;
	FILE *f;

	ms = now - wd->wd_cpus[cycle[0]].wc_spin_since;
	xcs_wd_stall_init(&st, XCS_STALL_CYCLE, cycle[0], ms);
	st.st_ncycle = len;
	if ((f = open_memstream(&text, &size)) == NULL)
		return;
	fprintf(f, "watchdog: deadlock after %u ms: ", ms);
	for (i = 0; i < len; i++) {
		ci = xcs_wd_cpu_info(cycle[i]);
		st.st_cycle[i] = cycle[i];
		st.st_cycle_ipl[i] = xcs_atomic_load(&ci->ci_ilevel);
		fprintf(f, "cpu%u (%s) waits for ", cycle[i],
		    xcs_ipl_name(st.st_cycle_ipl[i]));
	}
	fprintf(f, "cpu%u; each spins on the next one's full xcall slots "
	    "at a level that masks its own dispatch\n", cycle[0]);
	st.st_target = (int)cycle[1 % len];
	st.st_target_ipl = st.st_cycle_ipl[1 % len];
	for (i = 0; i < len; i++)
		xcs_dump_cpu(f, xcs_wd_cpu_info(cycle[i]));
	fclose(f);
	for (i = 0; i < len; i++) {
		wc = &wd->wd_cpus[cycle[i]];
		wc->wc_spin_next = now + MAX(now - wc->wc_spin_since, 1);
	}
	xcs_wd_spunout(wd, cycle[0], text);
	xcs_wd_emit(&st, text);
}

/*
 * How many timeouts a CPU may spin on the full slots of masked CPU n.
 * One, unless the wait ends, through CPUs that spin on the next one's
 * full slots, at a CPU in a delay loop (spinning in CPU_BUSY_CYCLE
 * without progress and without a full CPU to name, as in a long
 * callback) on a host busy with other work: there every yield of the
 * loop can wait a round of the host's run queue, and a loop of a
 * millisecond can take seconds.  A delay loop that never ends is still
 * reported, later, and still as a wait on n's full slots; a chain that
 * closes is the cycle report's.
 */
static unsigned int
xcs_wd_masked_patience(struct xcs_watchdog *wd, int n)
{
	unsigned int hops;
	double load;
	int next;

	for (hops = 0; hops < xcs_machine.xm_ncpus; hops++) {
		if (wd->wd_cpus[n].wc_spin_since == 0)
			return (1);
		next = xcs_atomic_load(
		    &xcs_wd_cpu_info(n)->ci_xcs->xc_spin_target);
		if (next == -1)
			break;
		if (next < 0 || next >= (int)xcs_machine.xm_ncpus ||
		    !xcs_wd_masked(xcs_wd_cpu_info(next)))
			return (1);
		n = next;
	}
	if (hops == xcs_machine.xm_ncpus)
		return (1);
	if (getloadavg(&load, 1) != 1 ||
	    load <= (double)sysconf(_SC_NPROCESSORS_ONLN))
		return (1);
	return (XCS_WD_SPIN_BUSY);
}

/*
 * Whether CPU n, which spins on target's full slots, waits on a target
 * that does not drain them: one masked, to which no CPU could post
 * since n began to spin.  A masked target that does take xcalls (in its
 * own dispatch pass, at IPL_SOFTCLOCK) leaves n losing races for its
 * slots, or unscheduled by a busy host: slow, not stuck.  (Not "every
 * slot is full": an MI file may use fewer than it has.)
 */
static int
xcs_wd_target_stuck(struct xcs_watchdog *wd, unsigned int n,
    struct cpu_info *tci)
{
	return (xcs_wd_masked(tci) &&
	    wd->wd_cpus[tci->ci_cpuid].wc_drained <=
	    wd->wd_cpus[n].wc_spin_since);
}

void
xcs_wd_report_spin(struct xcs_watchdog *wd, unsigned int n, uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	struct cpu_info *ci = xcs_wd_cpu_info(n), *tci = NULL;
	struct xcs_stall st;
	char *text;
	size_t size;
	FILE *f;
	int target;

	xcs_wd_stall_init(&st, XCS_STALL_SPIN, n, now - wc->wc_spin_since);
	target = xcs_atomic_load(&ci->ci_xcs->xc_spin_target);
	if (target >= 0 && target < (int)xcs_machine.xm_ncpus) {
		tci = xcs_wd_cpu_info(target);
		st.st_target = target;
		st.st_target_ipl = xcs_atomic_load(&tci->ci_ilevel);
	}
	if ((f = open_memstream(&text, &size)) == NULL)
		return;
	fprintf(f, "watchdog: cpu%u at %s (idepth %d) has spun for %u ms",
	    n, xcs_ipl_name(st.st_ipl), xcs_atomic_load(&ci->ci_idepth),
	    st.st_ms);
	if (tci != NULL)
		fprintf(f, " waiting for cpu%d's full xcall slots; cpu%d is "
		    "at %s%s\n", target, target,
		    xcs_ipl_name(st.st_target_ipl),
		    xcs_wd_target_stuck(wd, n, tci) ?
		    ", which masks its xcall dispatch" :
		    xcs_wd_masked(tci) ? ", masked, but has drained slots "
		    "since" :
		    "");
	else
		fprintf(f, " in CPU_BUSY_CYCLE without claiming a slot, "
		    "sleeping or finishing its job\n");
	xcs_dump_cpu(f, ci);
	if (tci != NULL)
		xcs_dump_cpu(f, tci);
	fclose(f);
	wc->wc_spin_next = now + MAX(now - wc->wc_spin_since, 1);
	/*
	 * Stuck on an xcall to a CPU whose level masks its dispatch: it
	 * will not drain while this one spins, so panic now.  A target
	 * that can dispatch or does, or a spin on nothing the watchdog can name
	 * (a test holding a CPU at some IPL, say), may be slow only
	 * because the host is busy: those panic after ten timeouts.
	 */
	if ((tci != NULL && xcs_wd_target_stuck(wd, n, tci) &&
	    st.st_ms >= xcs_wd_masked_patience(wd, target) * wd->wd_ms) ||
	    st.st_ms >= XCS_WD_SPIN_PANIC * wd->wd_ms)
		xcs_wd_spunout(wd, n, text);
	xcs_wd_emit(&st, text);
}

void
xcs_wd_report_unstuck(unsigned int n, int slot, unsigned int ms)
{
	struct xcs_stall st;
	char *text;

	xcs_wd_stall_init(&st, XCS_STALL_UNSTUCK, n, ms);
	st.st_slot = slot;
	if (slot < 0 ? asprintf(&text, "watchdog: cpu%u got unstuck after "
	    "%u ms\n", n, ms) == -1 : asprintf(&text, "watchdog: cpu%u slot "
	    "%d got unstuck after %u ms\n", n, slot, ms) == -1)
		return;
	xcs_wd_emit(&st, text);
}

#ifdef MULTIPROCESSOR
/* Whether anything would ever make ci run the xcalls in its slots. */
static int
xcs_wd_ipi_on_its_way(struct cpu_info *ci)
{
	const char *doing = xcs_atomic_load(&ci->ci_xcs->xc_doing);
	u_int64_t want = (1UL << LIR_IPI) | (1UL << SIR_XCALL);

	if (xcs_atomic_load(&ci->ci_ipis) != 0 ||
	    (xcs_atomic_load(&ci->ci_ipending) & want) != 0)
		return (1);
	/* In the middle of a dispatch pass, it will get there. */
	return (xcs_doing_xcalls(doing));
}

/*
 * How many dispatch passes cpu n began since the xcall was posted to
 * slot: more than one means a pass that ran after the post left it.
 */
static void
xcs_wd_print_passes(FILE *f, struct cpu_info *ci, int slot)
{
	uint64_t runs;

	runs = xcs_atomic_load(&ci->ci_xcs->xc_stats.xs_dispatch_runs) -
	    xcs_atomic_load(&ci->ci_xcs->xc_slot_runs[slot]);
	if (runs == 0)
		fprintf(f, " without a dispatch pass on cpu%u", ci->ci_cpuid);
	else
		fprintf(f, "; cpu%u began %" PRIu64 " dispatch pass%s since "
		    "and %s left it there", ci->ci_cpuid, runs,
		    runs == 1 ? "" : "es", runs == 1 ? "it" : "they");
}

void
xcs_wd_report_slot(struct xcs_watchdog *wd, unsigned int n, int slot,
    uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	struct cpu_info *ci = xcs_wd_cpu_info(n);
	struct xcs_stall st;
	char *text;
	size_t size;
	FILE *f;
	int noipi, never;

	noipi = !xcs_wd_ipi_on_its_way(ci);
	never = noipi && xcs_slot_never_sent(ci, slot);
	xcs_wd_stall_init(&st, noipi ? XCS_STALL_NOIPI : XCS_STALL_SLOT, n,
	    now - wc->wc_slot_since[slot]);
	st.st_slot = slot;
	if ((f = open_memstream(&text, &size)) == NULL)
		return;
	if (noipi)
		fprintf(f, "watchdog: xcall pending in slot with no IPI "
		    "pending: cpu%u slot %d has held ", n, slot);
	else
		fprintf(f, "watchdog: cpu%u slot %d has held ", n, slot);
	xcs_print_fn(f, xcs_atomic_load(&ci->ci_xcs->xc_slot_func[slot]));
	fprintf(f, "(%p) for %u ms", xcs_atomic_load(
	    &ci->ci_xcs->xc_slot_arg[slot]), st.st_ms);
	xcs_wd_print_passes(f, ci, slot);
	if (noipi)
		xcs_print_unsent(f, ci, slot);
	st.st_unsent = never;
	if (noipi && wd->wd_resend) {
		xcs_ipi_resend(ci);
		st.st_resent = 1;
		fprintf(f, "; resent the xcall IPI");
	} else if (!noipi && xcs_wd_masked(ci))
		fprintf(f, "; its %s masks the dispatch",
		    xcs_ipl_name(st.st_ipl));
	fprintf(f, "\n");
	xcs_dump_cpu(f, ci);
	fclose(f);
	/* Nothing will ever run it: the kernel would hang here. */
	if (noipi && !wd->wd_resend)
		xcs_wd_spunout(wd, n, text);
	wc->wc_stale_slot = slot;
	wc->wc_stale_since = wc->wc_slot_since[slot];
	wc->wc_stale_next = now + MAX(st.st_ms, 1);
	xcs_wd_emit(&st, text);
}
#endif /* MULTIPROCESSOR */
