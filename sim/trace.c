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
 * trace export) may run while the CPUs do; each event carries its ring
 * index, stored last, and a reader keeps an event only if that index
 * reads the same before and after it copied the fields.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xcs.h"

#define XCS_TRACE_BAD		UINT_MAX	/* XCALLSIM_TRACE unparsable */
#define XCS_TRACE_MAX		(1U << 20)	/* events per CPU */
#define XCS_TRACE_FILE_EVENTS	65536	/* default when exporting */
#define XCS_TRACE_TOTAL		(1U << 22)	/* events, all CPUs */
#define XCS_TRACE_PANIC_LAST	32	/* events a panic prints */
#define XCS_TRACE_DEPTH		32	/* open slices per CPU */

/* An event copied out of a ring. */
struct xcs_trace_copy {
	unsigned int		 tc_cpu;
	uint64_t		 tc_index;
	uint64_t		 tc_ns;
	uint64_t		 tc_info;
	uint64_t		 tc_ptr;
	uint64_t		 tc_arg;
};

#define TE_KIND(_i)	((int)((_i) & 0xff))
#define TE_IPL(_i)	((int)(((_i) >> 8) & 0xff))
#define TE_DEPTH(_i)	((int)(((_i) >> 16) & 0xff))
#define TE_SUB(_i)	((int)(((_i) >> 24) & 0xff))
#define TE_OTHER(_i)	((int)(((_i) >> 32) & 0xffff) - 1)

/* XCALLSIM_TRACE's file name, when a ",events" follows it. */
static char xcs_trace_path[PATH_MAX];

static const char *const xcs_ipi_outcomes[] = {
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
	if (xcs_replay_on())
		return (xcs_replay_clock());
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec);
}

void
xcs_trace_record(struct cpu_info *ci, int kind, int sub, int other,
    const void *ptr, uint64_t arg)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_cpu *xc = ci->ci_xcs;
	struct xcs_trace_event *te;
	uint64_t ns, idx, info;

	/*
	 * A replayed trace ends at the panic, the same every time: what the
	 * CPUs still do after it runs outside the schedule.
	 */
	if (xcs_replay_frozen())
		return;
	ns = xcs_trace_clock() - xm->xm_trace_t0;
	info = (uint64_t)(kind & 0xff) |
	    (uint64_t)(xcs_atomic_load(&ci->ci_ilevel) & 0xff) << 8 |
	    (uint64_t)(xcs_atomic_load(&ci->ci_idepth) & 0xff) << 16 |
	    (uint64_t)(sub & 0xff) << 24 |
	    (uint64_t)((other + 1) & 0xffff) << 32;
	/*
	 * A fetch-add, not a load and a store: an IPI handler taken on
	 * this CPU in between records too.  It orders nothing else.
	 */
	idx = xcs_atomic_add_nv(&xc->xc_trace_head, 1) - 1;
	te = &xc->xc_trace[idx & xm->xm_trace_mask];
	/*
	 * Invalidate, fill, then publish the index: each store is
	 * ordered after the ones before it (program order on x86, release
	 * stores under TSan), so a reader that sees idx + 1 before and
	 * after its copy copied this event and nothing else.
	 */
	xcs_atomic_store(&te->te_seq, 0);
	xcs_atomic_store(&te->te_ns, ns);
	xcs_atomic_store(&te->te_info, info);
	xcs_atomic_store(&te->te_ptr, (uint64_t)(uintptr_t)ptr);
	xcs_atomic_store(&te->te_arg, arg);
	xcs_atomic_store(&te->te_seq, idx + 1);
}

/* Pack the start of a wait message into an event's argument. */
uint64_t
xcs_trace_wmesg(const char *wmesg)
{
	uint64_t packed = 0;
	size_t i;

	for (i = 0; wmesg != NULL && i < sizeof(packed) && wmesg[i] != '\0';
	    i++)
		((char *)&packed)[i] = wmesg[i];
	return (packed);
}

/*
 * Copy event idx of ring n; 0 if it was overwritten or is being
 * written.  The acquire loads keep the field loads between the two
 * loads of the index; see xcs_trace_record().
 */
static int
xcs_trace_copy(unsigned int n, uint64_t idx, struct xcs_trace_copy *tc)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_trace_event *te;

	te = &xm->xm_xcs[n].xc_trace[idx & xm->xm_trace_mask];
	if (xcs_atomic_load(&te->te_seq) != idx + 1)
		return (0);
	tc->tc_cpu = n;
	tc->tc_index = idx;
	tc->tc_ns = xcs_atomic_load(&te->te_ns);
	tc->tc_info = xcs_atomic_load(&te->te_info);
	tc->tc_ptr = xcs_atomic_load(&te->te_ptr);
	tc->tc_arg = xcs_atomic_load(&te->te_arg);
	return (xcs_atomic_load(&te->te_seq) == idx + 1);
}

/* The oldest index ring n may still hold, and one past its newest. */
static void
xcs_trace_bounds(unsigned int n, uint64_t *lo, uint64_t *hi)
{
	struct xcs_machine *xm = &xcs_machine;
	uint64_t size = (uint64_t)xm->xm_trace_mask + 1;

	/* Nothing to order: events are validated one by one. */
	*hi = xcs_atomic_load(&xm->xm_xcs[n].xc_trace_head);
	*lo = *hi > size ? *hi - size : 0;
}

static const char *
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
		    sub < (int)nitems(xcs_ipi_outcomes) ?
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
	uint64_t cursor[MAXCPUS] = { 0 }, lo[MAXCPUS] = { 0 };
	unsigned int n, got, i;
	int found;

	if (last > nitems(pick))
		last = nitems(pick);
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
static int
xcs_trace_readable(const char *func)
{
	if (!xcs_atomic_load(&xcs_booted)) {
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

/* Order copied events by time, then CPU, then ring index. */
static int
xcs_trace_cmp(const void *a, const void *b)
{
	const struct xcs_trace_copy *x = a, *y = b;

	if (x->tc_ns != y->tc_ns)
		return (x->tc_ns < y->tc_ns ? -1 : 1);
	if (x->tc_cpu != y->tc_cpu)
		return (x->tc_cpu < y->tc_cpu ? -1 : 1);
	return (x->tc_index < y->tc_index ? -1 : x->tc_index > y->tc_index);
}

/* Every event still in the rings, sorted; NULL with errno on failure. */
static struct xcs_trace_copy *
xcs_trace_collect(size_t *np)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_trace_copy *all;
	uint64_t lo, hi, idx;
	size_t n = 0;
	unsigned int c;

	all = calloc((size_t)xm->xm_ncpus * (xm->xm_trace_mask + 1),
	    sizeof(*all));
	if (all == NULL)
		return (NULL);
	/* Each ring's bounds just before it is copied: it moves on. */
	for (c = 0; c < xm->xm_ncpus; c++) {
		xcs_trace_bounds(c, &lo, &hi);
		for (idx = lo; idx < hi; idx++) {
			if (xcs_trace_copy(c, idx, &all[n]))
				n++;
		}
	}
	qsort(all, n, sizeof(*all), xcs_trace_cmp);
	*np = n;
	return (all);
}

/* Chrome's JSON trace format wants names as JSON strings. */
static void
xcs_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A function's name after prefix, into buf. */
static void
xcs_prefixed_fn(char *buf, size_t size, const char *prefix, uint64_t fn)
{
	char addr[32];

	snprintf(buf, size, "%s%s", prefix,
	    xcs_fn_name((void *)(uintptr_t)fn, addr, sizeof(addr)));
}

/* The state of one CPU's timeline while exporting. */
struct xcs_json_cpu {
	int		jc_kind[XCS_TRACE_DEPTH];	/* open slices */
	uint64_t	jc_ptr[XCS_TRACE_DEPTH];
	char		jc_name[XCS_TRACE_DEPTH][80];
	int		jc_depth;
};

struct xcs_json {
	FILE			*j_f;
	struct xcs_json_cpu	*j_cpus;
	uint64_t		*j_flow;	/* per target slot: post id */
	uint64_t		 j_nflows;
	int			 j_first;
};

static void
xcs_json_head(struct xcs_json *j, const char *ph, const char *cat,
    const struct xcs_trace_copy *tc)
{
	fprintf(j->j_f, "%s\n{\"ph\":\"%s\",\"cat\":\"%s\",\"pid\":1,"
	    "\"tid\":%u,\"ts\":%.3f", j->j_first ? "" : ",", ph, cat,
	    tc->tc_cpu, (double)tc->tc_ns / 1000.0);
	j->j_first = 0;
}

/* End the innermost open slice; DevTools wants its name on the end. */
static void
xcs_json_end_slice(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];

	xcs_json_head(j, "E", "xcall", tc);
	fprintf(j->j_f, ",\"name\":");
	xcs_json_str(j->j_f, jc->jc_depth <= XCS_TRACE_DEPTH ?
	    jc->jc_name[jc->jc_depth - 1] : "");
	fprintf(j->j_f, "}");
	jc->jc_depth--;
}

/* Open a slice named by a string, or by a function if fn is set. */
static void
xcs_json_begin(struct xcs_json *j, const struct xcs_trace_copy *tc,
    int kind, const char *name, const char *fnprefix)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];
	char buf[sizeof(jc->jc_name[0])];

	if (fnprefix != NULL) {
		xcs_prefixed_fn(buf, sizeof(buf), fnprefix, tc->tc_ptr);
		name = buf;
	}
	xcs_json_head(j, "B", "xcall", tc);
	fprintf(j->j_f, ",\"name\":");
	xcs_json_str(j->j_f, name);
	fprintf(j->j_f, ",\"args\":{\"IPL\":\"%s\"",
	    xcs_ipl_name(TE_IPL(tc->tc_info)));
	if (kind == XCS_TR_TAKE)
		fprintf(j->j_f, ",\"arg\":\"%#jx\",\"slot\":%d",
		    (uintmax_t)tc->tc_arg, TE_SUB(tc->tc_info));
	fprintf(j->j_f, "}}");
	if (jc->jc_depth < XCS_TRACE_DEPTH) {
		jc->jc_kind[jc->jc_depth] = kind;
		jc->jc_ptr[jc->jc_depth] = tc->tc_ptr;
		snprintf(jc->jc_name[jc->jc_depth], sizeof(jc->jc_name[0]),
		    "%s", name);
	}
	jc->jc_depth++;
}

/*
 * Close the innermost open slice of this kind, and any slice opened
 * inside it since (an xcall function's slice ends when its dispatch
 * pass does).  An end whose beginning fell out of the ring is dropped.
 */
static void
xcs_json_close(struct xcs_json *j, const struct xcs_trace_copy *tc,
    int kind)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];
	int d;

	for (d = MIN(jc->jc_depth, XCS_TRACE_DEPTH) - 1; d >= 0; d--) {
		if (jc->jc_kind[d] == kind && (kind != XCS_TR_INTR_B ||
		    jc->jc_ptr[d] == tc->tc_ptr))
			break;
	}
	if (d < 0)
		return;
	while (jc->jc_depth > d)
		xcs_json_end_slice(j, tc);
}

/* The slice of the xcall function taken before this one ends now. */
static void
xcs_json_take(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];
	uint64_t *flow;
	int slot = TE_SUB(tc->tc_info);

	if (jc->jc_depth > 0 && jc->jc_depth <= XCS_TRACE_DEPTH &&
	    jc->jc_kind[jc->jc_depth - 1] == XCS_TR_TAKE)
		xcs_json_end_slice(j, tc);
	xcs_json_begin(j, tc, XCS_TR_TAKE, NULL, "");
	flow = &j->j_flow[tc->tc_cpu * 4 + (slot & 3)];
	if (*flow != 0) {
		xcs_json_head(j, "f", "xcall", tc);
		fprintf(j->j_f, ",\"bp\":\"e\",\"name\":\"xcall\","
		    "\"id\":%ju}", (uintmax_t)*flow);
		*flow = 0;
	}
}

static void
xcs_json_post(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	int other = TE_OTHER(tc->tc_info), slot = TE_SUB(tc->tc_info);
	char prefix[64], name[128];

	snprintf(prefix, sizeof(prefix), "post to cpu%d slot %d: ", other,
	    slot);
	xcs_prefixed_fn(name, sizeof(name), prefix, tc->tc_ptr);
	xcs_json_head(j, "X", "xcall", tc);
	fprintf(j->j_f, ",\"dur\":0,\"name\":");
	xcs_json_str(j->j_f, name);
	fprintf(j->j_f, ",\"args\":{\"arg\":\"%#jx\",\"IPL\":\"%s\"}}",
	    (uintmax_t)tc->tc_arg, xcs_ipl_name(TE_IPL(tc->tc_info)));
	if (other < 0 || (unsigned int)other >= xcs_machine.xm_ncpus)
		return;
	j->j_flow[other * 4 + (slot & 3)] = ++j->j_nflows;
	xcs_json_head(j, "s", "xcall", tc);
	fprintf(j->j_f, ",\"name\":\"xcall\",\"id\":%ju}",
	    (uintmax_t)j->j_nflows);
}

static void
xcs_json_instant(struct xcs_json *j, const struct xcs_trace_copy *tc,
    const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	xcs_json_head(j, "i", "xcall", tc);
	fprintf(j->j_f, ",\"s\":\"t\",\"name\":");
	xcs_json_str(j->j_f, name);
	fprintf(j->j_f, "}");
}

static void
xcs_json_event(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	uint64_t info = tc->tc_info;
	int kind = TE_KIND(info), other = TE_OTHER(info), sub = TE_SUB(info);
	char wm[9], name[32];

	switch (kind) {
	case XCS_TR_POST:
		xcs_json_post(j, tc);
		break;
	case XCS_TR_TAKE:
		xcs_json_take(j, tc);
		break;
	case XCS_TR_FULL:
		xcs_json_instant(j, tc, "cpu%d's slots full: spin", other);
		break;
	case XCS_TR_IPI:
		xcs_json_instant(j, tc, "IPI to cpu%d: %s", other,
		    sub < (int)nitems(xcs_ipi_outcomes) ?
		    xcs_ipi_outcomes[sub] : "?");
		break;
	case XCS_TR_DEFER:
		xcs_json_instant(j, tc, "IPI deferred at %s",
		    xcs_ipl_name(TE_IPL(info)));
		break;
	case XCS_TR_WAKEUP:
		xcs_json_instant(j, tc, "wakeup cpu%d", other);
		break;
	case XCS_TR_PANIC:
		xcs_json_instant(j, tc, "panic");
		break;
	case XCS_TR_SPL:
		xcs_json_head(j, "C", "ipl", tc);
		fprintf(j->j_f, ",\"name\":\"cpu%u IPL\",\"args\":"
		    "{\"IPL\":%d}}", tc->tc_cpu, TE_IPL(info));
		break;
	case XCS_TR_INTR_B:
		xcs_json_begin(j, tc, kind,
		    (const char *)(uintptr_t)tc->tc_ptr, NULL);
		break;
	case XCS_TR_DISP_B:
		xcs_json_begin(j, tc, kind, "cpu_xcall_dispatch", NULL);
		break;
	case XCS_TR_SLEEP_B:
		snprintf(name, sizeof(name), "sleep \"%s\"",
		    xcs_trace_wmesg_str(tc->tc_arg, wm));
		xcs_json_begin(j, tc, kind, name, NULL);
		break;
	case XCS_TR_HALT_B:
		xcs_json_begin(j, tc, kind, "halted", NULL);
		break;
	case XCS_TR_JOB_B:
		xcs_json_begin(j, tc, kind, NULL, "process: ");
		break;
	case XCS_TR_INTR_E:
	case XCS_TR_DISP_E:
	case XCS_TR_SLEEP_E:
	case XCS_TR_HALT_E:
	case XCS_TR_JOB_E:
		/* Each end kind follows its beginning's. */
		xcs_json_close(j, tc, kind - 1);
		break;
	}
}

static void
xcs_json_meta(struct xcs_json *j)
{
	unsigned int n;

	fprintf(j->j_f, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
	    "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\","
	    "\"args\":{\"name\":\"xcallsim: %u CPUs\"}}",
	    xcs_machine.xm_ncpus);
	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		fprintf(j->j_f, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
		    "\"name\":\"thread_name\",\"args\":{\"name\":\"cpu%u\"}}",
		    n, n);
		fprintf(j->j_f, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
		    "\"name\":\"thread_sort_index\","
		    "\"args\":{\"sort_index\":%u}}", n, n);
	}
	j->j_first = 0;
}

static int
xcs_trace_write(FILE *f, const struct xcs_trace_copy *all, size_t n)
{
	struct xcs_json j;
	size_t i;

	memset(&j, 0, sizeof(j));
	j.j_f = f;
	j.j_cpus = calloc(xcs_machine.xm_ncpus, sizeof(*j.j_cpus));
	j.j_flow = calloc(xcs_machine.xm_ncpus * 4, sizeof(*j.j_flow));
	if (j.j_cpus == NULL || j.j_flow == NULL) {
		free(j.j_cpus);
		free(j.j_flow);
		return (ENOMEM);
	}
	xcs_json_meta(&j);
	for (i = 0; i < n; i++)
		xcs_json_event(&j, &all[i]);
	fprintf(f, "\n]}\n");
	free(j.j_cpus);
	free(j.j_flow);
	return (0);
}

int
xcs_trace_export(const char *path)
{
	struct xcs_trace_copy *all;
	size_t n;
	FILE *f;
	int error;

	if ((error = xcs_trace_readable("xcs_trace_export")) != 0)
		return (error);
	if (path == NULL) {
		xcs_seterr("xcs_trace_export: NULL path");
		return (EINVAL);
	}
	if ((all = xcs_trace_collect(&n)) == NULL) {
		xcs_seterr("xcs_trace_export: no memory to copy the trace");
		return (ENOMEM);
	}
	if ((f = fopen(path, "w")) == NULL) {
		error = errno;
		xcs_seterr("xcs_trace_export: %s: %s", path, strerror(error));
		free(all);
		return (error);
	}
	error = xcs_trace_write(f, all, n);
	free(all);
	if (ferror(f) && error == 0)
		error = EIO;
	if (fclose(f) != 0 && error == 0)
		error = errno;
	if (error != 0)
		xcs_seterr("xcs_trace_export: %s: %s", path, strerror(error));
	return (error);
}

/* At shutdown, or before a panic aborts: the file the config named. */
void
xcs_trace_final(void)
{
	const char *path = xcs_machine.xm_config.xc_trace_file;

	if (path == NULL || xcs_machine.xm_trace_mask == 0)
		return;
	if (xcs_trace_export(path) != 0)
		fprintf(stderr, "xcallsim: %s\n", xcs_errstr());
	else
		fprintf(stderr, "xcallsim: trace written to %s; open it in "
		    "ui.perfetto.dev or chrome://tracing\n", path);
}

/*
 * XCALLSIM_TRACE: "off", a number of events per CPU, or a file to
 * write the Chrome trace to at shutdown, optionally followed by
 * ",events".
 */
void
xcs_trace_env(struct xcs_config *cfg)
{
	const char *env = getenv("XCALLSIM_TRACE");
	const char *comma, *num;
	char *end;
	unsigned long events;

	if (env == NULL || *env == '\0')
		return;
	if (strcmp(env, "off") == 0) {
		cfg->xc_trace_events = 0;
		return;
	}
	num = env;
	if (env[0] < '0' || env[0] > '9') {
		cfg->xc_trace_file = env;
		cfg->xc_trace_events = XCS_TRACE_FILE_EVENTS;
		if ((comma = strchr(env, ',')) == NULL)
			return;
		/* The path ends at the comma. */
		if ((size_t)(comma - env) >= sizeof(xcs_trace_path)) {
			cfg->xc_trace_events = XCS_TRACE_BAD;
			return;
		}
		memcpy(xcs_trace_path, env, comma - env);
		xcs_trace_path[comma - env] = '\0';
		cfg->xc_trace_file = xcs_trace_path;
		num = comma + 1;
	}
	errno = 0;
	events = strtoul(num, &end, 10);
	if (end == num || *end != '\0' || errno != 0 ||
	    events > XCS_TRACE_MAX)
		cfg->xc_trace_events = XCS_TRACE_BAD;
	else
		cfg->xc_trace_events = events;
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
	if (cfg->xc_trace_events == XCS_TRACE_BAD) {
		xcs_seterr("xcs_boot: XCALLSIM_TRACE=\"%s\": want off, a "
		    "number of events per CPU (at most %u), or a file for "
		    "the Chrome trace, then ,events", getenv("XCALLSIM_TRACE"),
		    XCS_TRACE_MAX);
		return (EINVAL);
	}
	if (cfg->xc_trace_events > XCS_TRACE_MAX) {
		xcs_seterr("xcs_boot: %u trace events per CPU; at most %u",
		    cfg->xc_trace_events, XCS_TRACE_MAX);
		return (EINVAL);
	}
	return (xcs_trace_check_file(cfg->xc_trace_file));
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
	return (0);
}

void
xcs_trace_free(void)
{
	struct xcs_machine *xm = &xcs_machine;

	if (xm->xm_xcs != NULL && xm->xm_trace_mask != 0)
		free(xm->xm_xcs[0].xc_trace);
	xm->xm_trace_mask = 0;
}
