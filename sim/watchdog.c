/*	xcallsim: sim/watchdog.c, the spin and slot watchdog	*/

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
 * The watchdog.  A kernel built with MP_LOCKDEBUG counts the spins of a
 * CPU waiting for a lock and stops the machine when the count runs out;
 * Linux's CSD lock debugging notices a cross-CPU call that has waited
 * too long and says who holds it up.  Here a monitor thread, which is
 * not a simulated CPU, looks at every CPU four times per timeout:
 *
 * - a CPU whose CPU_BUSY_CYCLE count moves while its progress count
 *   (slots claimed, sleeps begun, jobs finished) stands still is
 *   spinning; after the timeout it is reported with what it waits for,
 *   the CPU whose full slots it last failed to claim;
 * - spinning CPUs that wait for each other's slots are reported as one
 *   deadlock cycle;
 * - a slot that has held the same xcall while its CPU started no
 *   dispatch is stale, and if no IPI and no SIR_XCALL is pending
 *   either, nothing will ever run it.
 *
 * With panic set, the stuck CPU panics with the report's first line, as
 * an MP_LOCKDEBUG kernel would: at once if it is stuck on xcalls (full
 * slots, a cycle, or a slot nothing will dispatch, which panics the
 * slot's CPU), after ten timeouts if it only spins.
 *
 * The monitor reads the CPUs with atomics only: they keep the reads
 * whole and visible to a sanitizer, and the watchdog relies on no
 * ordering from them, since a report is a snapshot and the next look
 * corrects it; nor do the CPUs' counters for it.  The one thing it writes
 * that a CPU reads is xc_spunout, the message a stuck CPU panics
 * with at its next CPU_BUSY_CYCLE when the watchdog is set to panic:
 * the stuck CPU panics, as in the kernel.
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

#include <urcu/futex.h>

#include "xcs.h"

#define XCS_WD_MAX	3600000		/* an hour, in ms */
#define XCS_NSLOTS	4		/* struct xcall_cpu's xci_xcalls */
#define XCS_WD_SPIN_PANIC 10		/* timeouts before a spin panics */
#define XCS_WD_SPIN_BUSY 4		/* ... on a delaying CPU, host busy */

/* What the monitor remembers of one CPU between two looks. */
struct xcs_wd_cpu {
	uint64_t	wc_busy;		/* xc_spins at the last look */
	uint64_t	wc_progress;		/* xc_progress then */
	uint64_t	wc_spin_since;		/* ms; 0 if not spinning */
	uint64_t	wc_spin_next;		/* ms; 0 if not reported */
	uint64_t	wc_slot_seq[XCS_NSLOTS]; /* claims at the last look */
	uint64_t	wc_slot_since[XCS_NSLOTS]; /* ms it was first seen */
	int		wc_stale_slot;		/* the reported slot, or -1 */
	uint64_t	wc_stale_since;		/* its wc_slot_since then */
	uint64_t	wc_stale_next;		/* ms of the next report */
	char		wc_spunout[512];	/* its panic message */
};

struct xcs_watchdog {
	pthread_t	 wd_thread;
	int32_t		 wd_stop;		/* [a] futex word */
	unsigned int	 wd_ms;
	int		 wd_panic;
	int		 wd_resend;
	uint64_t	 wd_last;		/* ms of the previous look */
	struct xcs_wd_cpu *wd_cpus;
};

static xcs_watchdog_hook xcs_wd_hook;
static void *xcs_wd_hook_arg;

void
xcs_watchdog_intercept(xcs_watchdog_hook hook, void *arg)
{
	xcs_wd_hook = hook;
	xcs_wd_hook_arg = arg;
}

int
xcs_watchdog_check(const struct xcs_config *cfg)
{
	if (cfg->xc_watchdog_ms > XCS_WD_MAX) {
		xcs_seterr("xcs_boot: watchdog timeout %u ms is more than "
		    "an hour", cfg->xc_watchdog_ms);
		return (EINVAL);
	}
	return (0);
}

/* A CPU made progress: the monitor stops counting its spin. */
void
xcs_progress(struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;

	/* Only this CPU writes it; lost nested updates only delay. */
	xcs_atomic_store(&xc->xc_progress,
	    xcs_atomic_load(&xc->xc_progress) + 1);
	xcs_atomic_store(&xc->xc_spin_target, -1);
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

static struct cpu_info *
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

/*
 * Follow the wait-for edges from CPU n through CPUs that are stuck too.
 * Returns the cycle's length if the path comes back to n, else 0.
 */
static unsigned int
xcs_wd_cycle(struct xcs_watchdog *wd, unsigned int n, uint64_t now,
    unsigned int *cycle)
{
	struct xcs_wd_cpu *wc;
	unsigned int i, len = 0;
	int cur = (int)n, next;

	for (;;) {
		cycle[len++] = (unsigned int)cur;
		next = xcs_atomic_load(
		    &xcs_wd_cpu_info(cur)->ci_xcs->xc_spin_target);
		if (next < 0 || next >= (int)xcs_machine.xm_ncpus)
			return (0);
		wc = &wd->wd_cpus[next];
		if (wc->wc_spin_since == 0 ||
		    now - wc->wc_spin_since < wd->wd_ms)
			return (0);
		if (next == (int)n)
			break;
		if (len == XCS_STALL_MAXCYCLE)
			return (0);
		for (i = 0; i < len; i++)
			if (cycle[i] == (unsigned int)next)
				return (0);
		cur = next;
	}
	/*
	 * A member that can run its own xcalls will empty its slots and
	 * let its waiter go: only a cycle of masked CPUs is a deadlock.
	 */
	for (i = 0; i < len; i++)
		if (!xcs_wd_masked(xcs_wd_cpu_info(cycle[i])))
			return (0);
	return (len);
}

static void
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

static void
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
		    xcs_ipl_name(st.st_target_ipl), xcs_wd_masked(tci) ?
		    ", which masks its xcall dispatch" : "");
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
	 * that can dispatch, or a spin on nothing the watchdog can name
	 * (a test holding a CPU at some IPL, say), may be slow only
	 * because the host is busy: those panic after ten timeouts.
	 */
	if ((tci != NULL && xcs_wd_masked(tci) &&
	    st.st_ms >= xcs_wd_masked_patience(wd, target) * wd->wd_ms) ||
	    st.st_ms >= XCS_WD_SPIN_PANIC * wd->wd_ms)
		xcs_wd_spunout(wd, n, text);
	xcs_wd_emit(&st, text);
}

static void
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

/* One look at CPU n's spinning. */
static void
xcs_wd_look_spin(struct xcs_watchdog *wd, unsigned int n, uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	struct xcs_cpu *xc = xcs_wd_cpu_info(n)->ci_xcs;
	uint64_t busy, progress;

	busy = xcs_atomic_load(&xc->xc_spins);
	progress = xcs_atomic_load(&xc->xc_progress);
	if (progress != wc->wc_progress || busy == wc->wc_busy) {
		/* Got somewhere, or stopped spinning. */
		if (wc->wc_spin_next != 0)
			xcs_wd_report_unstuck(n, -1,
			    now - wc->wc_spin_since);
		wc->wc_spin_since = 0;
		wc->wc_spin_next = 0;
	} else if (wc->wc_spin_since == 0)
		wc->wc_spin_since = wd->wd_last;
	wc->wc_busy = busy;
	wc->wc_progress = progress;
}

/* Report CPU n if it has spun too long, as part of a cycle if it is. */
static void
xcs_wd_check_spin(struct xcs_watchdog *wd, unsigned int n, uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	unsigned int cycle[XCS_STALL_MAXCYCLE], len;

	if (wc->wc_spin_since == 0 || now - wc->wc_spin_since < wd->wd_ms)
		return;
	if (wc->wc_spin_next != 0 && now < wc->wc_spin_next)
		return;
	if ((len = xcs_wd_cycle(wd, n, now, cycle)) != 0)
		xcs_wd_report_cycle(wd, cycle, len, now);
	else
		xcs_wd_report_spin(wd, n, now);
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
	return (doing != NULL && (strcmp(doing, "softxcall") == 0 ||
	    strcmp(doing, "ipi") == 0));
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

static void
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

/*
 * One look at CPU n's slots: an xcall that is still there, with no
 * dispatch pass started on n since the last look, is getting old.
 */
static void
xcs_wd_look_slots(struct xcs_watchdog *wd, unsigned int n, uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	struct cpu_info *ci = xcs_wd_cpu_info(n);
	uint64_t seq;
	int i, oldest = -1;

	for (i = 0; i < XCS_NSLOTS; i++) {
		/*
		 * The same claim still in the slot, however many dispatch
		 * passes ran meanwhile: a pass that skips a slot is stale.
		 */
		seq = xcs_atomic_load(&ci->ci_xcs->xc_slot_seq[i]);
		if (xcs_slot_peek(ci, i) == NULL)
			wc->wc_slot_since[i] = 0;
		else if (wc->wc_slot_since[i] == 0 ||
		    seq != wc->wc_slot_seq[i])
			wc->wc_slot_since[i] = now;
		wc->wc_slot_seq[i] = seq;
		if (wc->wc_slot_since[i] != 0 && (oldest == -1 ||
		    wc->wc_slot_since[i] < wc->wc_slot_since[oldest]))
			oldest = i;
	}

	/* The reported xcall left its slot, or another one is there. */
	if (wc->wc_stale_slot != -1 &&
	    wc->wc_slot_since[wc->wc_stale_slot] != wc->wc_stale_since) {
		xcs_wd_report_unstuck(n, wc->wc_stale_slot,
		    now - wc->wc_stale_since);
		wc->wc_stale_slot = -1;
	}
	if (oldest == -1 || now - wc->wc_slot_since[oldest] < wd->wd_ms)
		return;
	if (wc->wc_stale_slot != -1 && now < wc->wc_stale_next)
		return;
	xcs_wd_report_slot(wd, n, oldest, now);
}
#endif /* MULTIPROCESSOR */

static void
xcs_wd_look(struct xcs_watchdog *wd)
{
	unsigned int n, ncpus = xcs_machine.xm_ncpus;
	uint64_t now = xcs_now_ms();

	for (n = 0; n < ncpus; n++)
		xcs_wd_look_spin(wd, n, now);
	for (n = 0; n < ncpus; n++)
		xcs_wd_check_spin(wd, n, now);
#ifdef MULTIPROCESSOR
	for (n = 0; n < ncpus; n++)
		xcs_wd_look_slots(wd, n, now);
#endif
	wd->wd_last = now;
}

static void *
xcs_wd_main(void *arg)
{
	struct xcs_watchdog *wd = arg;
	struct timespec period;
	unsigned int ms = MIN(MAX(wd->wd_ms / 4, 1), 1000);
	sigset_t all;

	/* Not a CPU: no IPI, and no other signal either. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	period.tv_sec = ms / 1000;
	period.tv_nsec = (long)(ms % 1000) * 1000000;
	wd->wd_last = xcs_now_ms();
	while (!xcs_atomic_load(&wd->wd_stop)) {
		futex_async(&wd->wd_stop, FUTEX_WAIT, 0, &period, NULL, 0);
		/* After a panic the machine is stopped: nothing to say. */
		if (xcs_atomic_load(&wd->wd_stop) ||
		    xcs_atomic_load(&panicstr) != NULL)
			continue;
		xcs_wd_look(wd);
	}
	return (NULL);
}

int
xcs_watchdog_start(void)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_watchdog *wd;
	unsigned int n;
	int error;

	if (xm->xm_config.xc_watchdog_ms == 0)
		return (0);
	if ((wd = calloc(1, sizeof(*wd))) == NULL ||
	    (wd->wd_cpus = calloc(xm->xm_ncpus, sizeof(*wd->wd_cpus))) ==
	    NULL) {
		free(wd);
		xcs_seterr("xcs_boot: no memory for the watchdog");
		return (ENOMEM);
	}
	for (n = 0; n < xm->xm_ncpus; n++)
		wd->wd_cpus[n].wc_stale_slot = -1;
	wd->wd_ms = xm->xm_config.xc_watchdog_ms;
	wd->wd_panic = xm->xm_config.xc_watchdog_panic;
	wd->wd_resend = xm->xm_config.xc_watchdog_resend;
	if ((error = pthread_create(&wd->wd_thread, NULL, xcs_wd_main,
	    wd)) != 0) {
		free(wd->wd_cpus);
		free(wd);
		xcs_seterr("xcs_boot: cannot start the watchdog: %s",
		    strerror(error));
		return (error);
	}
	xm->xm_watchdog = wd;
	return (0);
}

void
xcs_watchdog_stop(void)
{
	struct xcs_watchdog *wd = xcs_machine.xm_watchdog;

	if (wd == NULL)
		return;
	/* The swap orders nothing else; the wake ends the monitor's wait. */
	(void)xcs_atomic_swap(&wd->wd_stop, 1);
	futex_async(&wd->wd_stop, FUTEX_WAKE, 1, NULL, NULL, 0);
	pthread_join(wd->wd_thread, NULL);
	free(wd->wd_cpus);
	free(wd);
	xcs_machine.xm_watchdog = NULL;
}
