/*	xcallsim: sim/trace.c, the per-CPU event trace	*/

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
 * The trace.  Every CPU records what it does with xcalls (posts, full
 * slots, IPIs sent and how, IPIs deferred, interrupt and dispatch passes,
 * slots taken, IPL changes, sleeps, wakeups, halts, jobs) in a ring of
 * its own, with a timestamp.  Only the CPU writes its ring, from process
 * context and from its IPI handler alike, so recording is a fetch-add on
 * the ring's head and a few stores: no lock, nothing a signal handler
 * may not do.  Readers (the panic dump, xcs_trace_print and the Chrome
 * trace export of trace_json.c) may run while the CPUs do; each event
 * carries its ring index, stored last, and a reader keeps an event only
 * if that index reads the same before and after it copied the fields.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xcs_machine.h"
#include "trace.h"

#define XCS_TRACE_TOTAL		(1U << 22)	/* events, all CPUs */
#define XCS_TRACE_PANIC_LAST	32	/* events a panic prints */

const char *const xcs_ipi_outcomes[XCS_IPI_NOUTCOMES] = {
	[XCS_IPI_SIGNAL] = "signal",
	[XCS_IPI_WAKE] = "futex wake",
	[XCS_IPI_POLLED] = "bit only, target polls",
	[XCS_IPI_STOPPED] = "target stopped",
	[XCS_IPI_COALESCED] = "coalesced, one pending",
	[XCS_IPI_DROPPED] = "dropped by the drop fault",
	[XCS_IPI_RESENT] = "resent",
};

static uint64_t
xcs_trace_clock(void)
{
	struct timespec ts;

	/* In replay, time is the order of events, the same every run. */
	if (xcs_replay_hooked())
		return (xcs_replay_clock());
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec);
}

void
xcs_trace_record(struct cpu_info *ci, int kind, int sub, int other,
    const void *ptr, uint64_t arg)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_cpu *xc = xcs_cpu_of(ci);
	struct xcs_trace_event *te;
	struct xcs_cpu_view cv;
	uint64_t ns, idx, info;

	/*
	 * A replayed trace ends at the panic, the same every time: what the
	 * CPUs still do after it runs outside the schedule.
	 */
	if (xcs_replay_frozen())
		return;
	ns = xcs_trace_clock() - xm->xm_trace_t0;
	xcs_md_cpu_view(ci, &cv);
	info = (uint64_t)(kind & 0xff) |
	    (uint64_t)(cv.cv_ilevel & 0xff) << 8 |
	    (uint64_t)(cv.cv_idepth & 0xff) << 16 |
	    (uint64_t)(sub & 0xff) << 24 |
	    (uint64_t)((other + 1) & 0xffff) << 32;
	/*
	 * A fetch-add, not a load and a store: an IPI handler taken on
	 * this CPU in between records too.  It orders nothing else.
	 */
	idx = xcs_hadd_nv(&xc->xc_trace_head, 1) - 1;
	te = &xc->xc_trace[idx & xm->xm_trace_mask];
	/*
	 * Invalidate, fill, then publish the index: each release store
	 * is ordered after the ones before it, so a reader that sees
	 * idx + 1 before and after its copy copied this event and nothing
	 * else.
	 */
	xcs_hstore(&te->te_seq, 0);
	xcs_hstore(&te->te_ns, ns);
	xcs_hstore(&te->te_info, info);
	xcs_hstore(&te->te_ptr, (uint64_t)(uintptr_t)ptr);
	xcs_hstore(&te->te_arg, arg);
	xcs_hstore(&te->te_seq, idx + 1);
}

/*
 * Copy event idx of ring n; 0 if it was overwritten or is being
 * written.  The acquire loads keep the field loads between the two
 * loads of the index; see xcs_trace_record().
 */
int
xcs_trace_copy(unsigned int n, uint64_t idx, struct xcs_trace_copy *tc)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_trace_event *te;

	te = &xm->xm_xcs[n].xc_trace[idx & xm->xm_trace_mask];
	if (xcs_hload(&te->te_seq) != idx + 1)
		return (0);
	tc->tc_cpu = n;
	tc->tc_index = idx;
	tc->tc_ns = xcs_hload(&te->te_ns);
	tc->tc_info = xcs_hload(&te->te_info);
	tc->tc_ptr = xcs_hload(&te->te_ptr);
	tc->tc_arg = xcs_hload(&te->te_arg);
	return (xcs_hload(&te->te_seq) == idx + 1);
}

/* The oldest index ring n may still hold, and one past its newest. */
void
xcs_trace_bounds(unsigned int n, uint64_t *lo, uint64_t *hi)
{
	struct xcs_machine *xm = &xcs_machine;
	uint64_t size = (uint64_t)xm->xm_trace_mask + 1;

	/* Nothing to order: events are validated one by one. */
	*hi = xcs_hload(&xm->xm_xcs[n].xc_trace_head);
	*lo = *hi > size ? *hi - size : 0;
}

const char *
xcs_trace_wmesg_str(uint64_t packed, char buf[9])
{
	memcpy(buf, &packed, 8);
	buf[8] = '\0';
	return (buf);
}

/* One event as a line of text, for the panic dump and xcs_trace_print. */
static void
xcs_trace_line(FILE *f, const struct xcs_trace_copy *tc, uint64_t ref)
{
	uint64_t info = tc->tc_info;
	void *ptr = (void *)(uintptr_t)tc->tc_ptr;
	int sub = TE_SUB(info), other = TE_OTHER(info);
	char wm[9];

	fprintf(f, "  %+10.3f us cpu%u %-13s ",
	    ((double)tc->tc_ns - (double)ref) / 1000.0, tc->tc_cpu,
	    xcs_ipl_name(TE_IPL(info)));
	switch (TE_KIND(info)) {
	case XCS_TR_POST:
		fprintf(f, "post ");
		xcs_print_fn(f, ptr);
		fprintf(f, "(%#jx) to cpu%d slot %d\n",
		    (uintmax_t)tc->tc_arg, other, sub);
		break;
	case XCS_TR_FULL:
		fprintf(f, "cpu%d's slots are full: spinning\n", other);
		break;
	case XCS_TR_IPI:
		fprintf(f, "xcall IPI to cpu%d: %s\n", other,
		    sub < (int)XCS_NITEMS(xcs_ipi_outcomes) ?
		    xcs_ipi_outcomes[sub] : "?");
		break;
	case XCS_TR_DEFER:
		fprintf(f, "IPI deferred: level masks it\n");
		break;
	case XCS_TR_INTR_B:
	case XCS_TR_INTR_E:
		fprintf(f, "%s %s\n", (const char *)ptr,
		    TE_KIND(info) == XCS_TR_INTR_B ? "begins" : "ends");
		break;
	case XCS_TR_DISP_B:
	case XCS_TR_DISP_E:
		fprintf(f, "cpu_xcall_dispatch %s\n",
		    TE_KIND(info) == XCS_TR_DISP_B ? "begins" : "ends");
		break;
	case XCS_TR_TAKE:
		fprintf(f, "take ");
		xcs_print_fn(f, ptr);
		fprintf(f, "(%#jx) from slot %d\n", (uintmax_t)tc->tc_arg,
		    sub);
		break;
	case XCS_TR_SPL:
		fprintf(f, "spl %s -> %s\n", xcs_ipl_name(sub),
		    xcs_ipl_name(TE_IPL(info)));
		break;
	case XCS_TR_SLEEP_B:
		fprintf(f, "sleep on %p \"%s\"\n", ptr,
		    xcs_trace_wmesg_str(tc->tc_arg, wm));
		break;
	case XCS_TR_SLEEP_E:
		fprintf(f, "sleep ends\n");
		break;
	case XCS_TR_WAKEUP:
		fprintf(f, "wakeup %p: cpu%d\n", ptr, other);
		break;
	case XCS_TR_HALT_B:
		fprintf(f, "halt\n");
		break;
	case XCS_TR_HALT_E:
		fprintf(f, "resume from halt\n");
		break;
	case XCS_TR_JOB_B:
		fprintf(f, "process context: ");
		xcs_print_fn(f, ptr);
		fprintf(f, " starts\n");
		break;
	case XCS_TR_JOB_E:
		fprintf(f, "process context: job ends\n");
		break;
	case XCS_TR_PANIC:
		fprintf(f, "panic\n");
		break;
	default:
		fprintf(f, "event %d?\n", TE_KIND(info));
		break;
	}
}

/*
 * Print the last events of all CPUs, merged by time, newest last.  No
 * allocation: a panic may come here from an IPI handler.  Each step
 * walks every ring's cursor back and takes the newest.
 */
static void
xcs_trace_tail(FILE *f, unsigned int last)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_trace_copy pick[XCS_TRACE_PANIC_LAST * 2], tc, best = { 0 };
	uint64_t cursor[XCSHYPER_MAXCPUS] = { 0 }, lo[XCSHYPER_MAXCPUS] = { 0 };
	unsigned int n, got, i;
	int found;

	if (last > XCS_NITEMS(pick))
		last = XCS_NITEMS(pick);
	for (n = 0; n < xm->xm_ncpus; n++)
		xcs_trace_bounds(n, &lo[n], &cursor[n]);
	for (got = 0; got < last; got++) {
		found = 0;
		for (n = 0; n < xm->xm_ncpus; n++) {
			while (cursor[n] > lo[n] &&
			    !xcs_trace_copy(n, cursor[n] - 1, &tc))
				cursor[n]--;
			if (cursor[n] <= lo[n])
				continue;
			if (!found || tc.tc_ns > best.tc_ns) {
				best = tc;
				found = 1;
			}
		}
		if (!found)
			break;
		cursor[best.tc_cpu]--;
		pick[got] = best;
	}
	if (got == 0)
		return;
	fprintf(f, "last %u trace events, times before the newest:\n", got);
	for (i = got; i > 0; i--)
		xcs_trace_line(f, &pick[i - 1], pick[0].tc_ns);
}

/* Whether there is a trace to read; if not, why, for func's caller. */
int
xcs_trace_readable(const char *func)
{
	if (!xcs_hload(&xcs_booted)) {
		xcs_seterr("%s: no machine is booted", func);
		return (ESRCH);
	}
	if (xcs_machine.xm_trace_mask == 0) {
		xcs_seterr("%s: the trace is off (xc_trace_events 0)", func);
		return (ENOENT);
	}
	return (0);
}

int
xcs_trace_print(FILE *f, unsigned int last)
{
	int error;

	if ((error = xcs_trace_readable("xcs_trace_print")) != 0)
		return (error);
	xcs_trace_tail(f, last);
	return (0);
}

void
xcs_trace_panic(void)
{
	if (xcs_machine.xm_trace_mask != 0)
		xcs_trace_tail(stderr, XCS_TRACE_PANIC_LAST);
}

/*
 * The trace file is written at shutdown, after the work: a path that
 * cannot be written is said at boot instead, before any work is done.
 */
static int
xcs_trace_check_file(const char *path)
{
	char dir[PATH_MAX];
	const char *slash;

	if (path == NULL)
		return (0);
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (access(dir, W_OK) != 0) {
		xcs_seterr("xcs_boot: trace file %s: cannot write in %s: %s",
		    path, dir, strerror(errno));
		return (errno == ENOENT ? ENOENT : EACCES);
	}
	return (0);
}

int
xcs_trace_check(const struct xcs_config *cfg)
{
	if (cfg->xc_trace_events > XCS_TRACE_MAX) {
		xcs_seterr("xcs_boot: %u trace events per CPU; at most %u",
		    cfg->xc_trace_events, XCS_TRACE_MAX);
		return (EINVAL);
	}
	return (xcs_trace_check_file(cfg->xc_trace_file));
}

/* The kernel domain's trace hook: events of CPUs, into their rings. */
static void
xcs_trace_hook(struct cpu_info *ci, int kind, int sub, int other,
    const void *ptr, uint64_t arg)
{
	xcs_trace(ci, kind, sub, other, ptr, arg);
}

/*
 * Rings of a power of two, rounded up from what was asked, and shrunk
 * to keep a large machine's rings within XCS_TRACE_TOTAL events.
 */
int
xcs_trace_alloc(void)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_trace_event *ev;
	unsigned int n, size = 1, want = xm->xm_config.xc_trace_events;

	xm->xm_trace_mask = 0;
	if (want == 0)
		return (0);
	while (size < want)
		size <<= 1;
	while (size > 16 && (uint64_t)size * xm->xm_ncpus > XCS_TRACE_TOTAL)
		size >>= 1;
	if ((ev = calloc((size_t)size * xm->xm_ncpus, sizeof(*ev))) == NULL) {
		xcs_seterr("xcs_boot: no memory for %u trace events per CPU",
		    size);
		return (ENOMEM);
	}
	for (n = 0; n < xm->xm_ncpus; n++)
		xm->xm_xcs[n].xc_trace = ev + (size_t)n * size;
	xm->xm_trace_mask = size - 1;
	xm->xm_trace_t0 = xcs_trace_clock();
	xcs_hooks.xh_trace = xcs_trace_hook;
	return (0);
}

void
xcs_trace_free(void)
{
	struct xcs_machine *xm = &xcs_machine;

	xcs_hooks.xh_trace = NULL;
	if (xm->xm_xcs != NULL && xm->xm_trace_mask != 0)
		free(xm->xm_xcs[0].xc_trace);
	xm->xm_trace_mask = 0;
}
